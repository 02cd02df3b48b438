package dev.streamrec.app.filter;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import dev.streamrec.app.topology.History;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;

/**
 * Which of the user's own items are never recommended ({@code streamrec.recommend.exclude}), the one
 * place of that rule: candidates, the heuristic ranker and the model ranker (full-catalogue mode too)
 * all read the set it gives. The trainer's evaluator has the same two policies under the same names.
 * The item of the triggering event is excluded under both.
 */
public enum ExclusionPolicy {

    /** Items the user purchased (the kept purchases and any purchase in the history): viewed items may come back. */
    PURCHASES,

    /** Every item in the user's history, plus the kept purchases. */
    HISTORY;

    /** The policy named by a configuration value ({@code purchases} or {@code history}, any case). */
    public static ExclusionPolicy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("streamrec.recommend.exclude must be 'purchases' or 'history', was '"
                    + value + "'");
        }
    }

    /** The items never to recommend for this event (see the constants): immutable, computed once per event. */
    public Set<String> excluded(UserEvent event, History history) {
        Set<String> excluded = new HashSet<>(history.purchased());
        for (int i = 0; i < history.size(); i++) {
            if (this == HISTORY || history.type(i) == EventType.PURCHASE) {
                excluded.add(history.itemId(i));
            }
        }
        excluded.add(event.getItemId());
        return Set.copyOf(excluded);
    }
}
