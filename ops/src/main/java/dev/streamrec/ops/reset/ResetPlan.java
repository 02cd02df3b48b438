package dev.streamrec.ops.reset;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What a reset does (or, in a dry run, would do).
 *
 * @param groupType      how the group is known to the broker: classic, consumer, streams, or none
 * @param groupState     its state, e.g. Empty, Stable, or none
 * @param activeMembers  live members ({@code member-id (client-id @ host)}); a real reset refuses when any
 * @param partitions     the new offset of every input partition
 * @param internalTopics internal topics deleted (or to delete); empty unless asked for
 * @param applied        whether the offsets were committed and the topics deleted
 */
public record ResetPlan(String applicationId, String groupType, String groupState, Instant toTime,
                        List<PartitionReset> partitions, List<String> activeMembers, List<String> internalTopics,
                        boolean applied) {

    /**
     * One input partition.
     *
     * @param currentOffset the committed offset, empty when the group has none
     * @param newOffset     the offset it is (to be) reset to
     * @param atEnd         no record at or after the time: the new offset is the end offset
     */
    public record PartitionReset(String topic, int partition, OptionalLong currentOffset, long newOffset,
                                 boolean atEnd) {
    }

    public ResetPlan {
        partitions = List.copyOf(partitions);
        activeMembers = List.copyOf(activeMembers);
        internalTopics = List.copyOf(internalTopics);
    }

    public PartitionReset partition(String topic, int p) {
        return partitions.stream().filter(r -> r.topic().equals(topic) && r.partition() == p).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(topic + "-" + p + " is not in the plan"));
    }

    /** The plan as the {@code reset} command prints it. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s application '%s' (group: %s, state %s) to %s (%d)%n",
                applied ? "reset" : "dry run: would reset", applicationId, groupType, groupState, toTime,
                toTime.toEpochMilli()));
        int width = Math.max(5, partitions.stream().mapToInt(r -> r.topic().length()).max().orElse(5));
        String fmt = "%-" + width + "s %9s %12s %12s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "topic", "partition", "current", "new", "change"));
        for (PartitionReset r : partitions) {
            String current = r.currentOffset().isPresent() ? Long.toString(r.currentOffset().getAsLong()) : "-";
            String change = r.currentOffset().isPresent()
                    ? String.format(Locale.ROOT, "%+d", r.newOffset() - r.currentOffset().getAsLong()) : "";
            sb.append(String.format(Locale.ROOT, fmt, r.topic(), r.partition(), current,
                    r.newOffset() + (r.atEnd() ? " (end)" : ""), change));
        }
        if (!internalTopics.isEmpty()) {
            sb.append(applied ? "deleted internal topics: " : "internal topics to delete: ")
                    .append(String.join(", ", internalTopics)).append('\n');
        }
        if (!activeMembers.isEmpty()) {
            sb.append("warning: ").append(activeMembers.size()).append(" active member(s), a real reset would refuse: ")
                    .append(String.join(", ", activeMembers)).append('\n');
        }
        return sb.toString();
    }
}
