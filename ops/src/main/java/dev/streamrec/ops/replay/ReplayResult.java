package dev.streamrec.ops.replay;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What a replay read, matched and wrote, per source partition. In a dry run {@code written} is 0 and
 * {@code matched} is what a real run would write.
 *
 * @param notes things the operator should know (e.g. a range that starts before the log start)
 */
public record ReplayResult(String sourceTopic, String targetTopic, boolean dryRun, List<PartitionStats> partitions,
                           List<String> notes, Duration elapsed) {

    /**
     * One source partition.
     *
     * @param startOffset first offset read
     * @param endOffset   offset the replay stopped at (exclusive), fixed when it started
     */
    public record PartitionStats(int partition, long startOffset, long endOffset, long read, long matched,
                                 long written) {
    }

    public ReplayResult {
        partitions = List.copyOf(partitions);
        notes = List.copyOf(notes);
    }

    public long read() {
        return partitions.stream().mapToLong(PartitionStats::read).sum();
    }

    public long matched() {
        return partitions.stream().mapToLong(PartitionStats::matched).sum();
    }

    public long written() {
        return partitions.stream().mapToLong(PartitionStats::written).sum();
    }

    public PartitionStats partition(int p) {
        return partitions.stream().filter(s -> s.partition() == p).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("partition " + p + " was not part of the replay; "
                        + "partitions: " + partitions.stream().map(PartitionStats::partition).toList()));
    }

    /** The per-partition table and a total line, as the {@code replay} command prints it. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(dryRun ? "dry run: " + sourceTopic + (targetTopic == null ? "" : " -> " + targetTopic)
                        + " (nothing written)\n"
                : "replayed " + sourceTopic + " -> " + targetTopic + "\n");
        String fmt = dryRun ? "%-9s %12s %12s %10s %10s%n" : "%-9s %12s %12s %10s %10s %10s%n";
        sb.append(dryRun ? String.format(Locale.ROOT, fmt, "partition", "from", "to(excl)", "read", "matched")
                : String.format(Locale.ROOT, fmt, "partition", "from", "to(excl)", "read", "matched", "written"));
        for (PartitionStats s : partitions) {
            sb.append(dryRun
                    ? String.format(Locale.ROOT, fmt, s.partition(), s.startOffset(), s.endOffset(), s.read(), s.matched())
                    : String.format(Locale.ROOT, fmt, s.partition(), s.startOffset(), s.endOffset(), s.read(), s.matched(),
                            s.written()));
        }
        sb.append(dryRun ? String.format(Locale.ROOT, fmt, "total", "", "", read(), matched())
                : String.format(Locale.ROOT, fmt, "total", "", "", read(), matched(), written()));
        sb.append(String.format(Locale.ROOT, "in %.1f s%n", elapsed.toMillis() / 1000.0));
        return sb.toString();
    }
}
