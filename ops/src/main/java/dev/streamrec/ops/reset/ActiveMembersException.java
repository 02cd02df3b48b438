package dev.streamrec.ops.reset;

import java.util.List;

import dev.streamrec.ops.OpsException;

/** The application still has live group members, so its offsets must not be moved. */
public final class ActiveMembersException extends OpsException {

    private final List<String> members;

    public ActiveMembersException(String applicationId, List<String> members) {
        super("application '" + applicationId + "' has " + members.size() + " active member"
                + (members.size() == 1 ? "" : "s") + "; stop every instance first: " + String.join(", ", members));
        this.members = List.copyOf(members);
    }

    /** Each member as {@code member-id (client-id @ host)}. */
    public List<String> members() {
        return members;
    }
}
