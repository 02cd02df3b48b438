package dev.streamrec.app.topology;

import java.util.Locale;

/**
 * Where a task keeps its co-visit pairs ({@code streamrec.covisit.store}); either way the store is
 * changelogged, so exactly-once and restores are the same.
 */
public enum PairStore {
    /** RocksDB on local disk: bounded by disk, not heap, and reopened after a restart without a restore. */
    PERSISTENT,
    /**
     * Arrays on the heap ({@link HeapPairStore}, the default): no RocksDB call on the item side's hot path, about 30
     * bytes of heap per pair (measured), and a task restores its pairs from the changelog whenever it starts.
     */
    IN_MEMORY;

    /**
     * Heap per pair of {@link HeapPairStore}: 30-31 bytes measured with 9- and 36-character ids (a million pairs,
     * ids shared), rounded up (TOPOLOGY.md, "Pair store").
     */
    static final long HEAP_BYTES_PER_PAIR = 32;

    /**
     * A warning when one task's pairs on the heap take a quarter of the heap or more (an instance runs one task
     * per item partition it owns, so a few such tasks exhaust it), else null.
     */
    static String heapWarning(long pairs, long maxHeapBytes) {
        long bytes = pairs * HEAP_BYTES_PER_PAIR;
        if (bytes < maxHeapBytes / 4) {
            return null;
        }
        return String.format(Locale.ROOT, "its %,d co-visit pairs take about %,d MB of the %,d MB heap "
                + "(streamrec.covisit.store=in-memory, about %d bytes a pair); raise the heap (-Xmx) or set "
                + "streamrec.covisit.store=persistent", pairs, bytes >> 20, maxHeapBytes >> 20, HEAP_BYTES_PER_PAIR);
    }

    /** The item of a key of the pair store (for tools that read the store, e.g. the bench's fill count). */
    public static String itemOf(byte[] pairKey) {
        return CoVisitAggregator.itemOf(pairKey);
    }

    /** {@code persistent} or {@code in-memory}, as written in {@code application.yml}. */
    public static PairStore parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "persistent" -> PERSISTENT;
            case "in-memory" -> IN_MEMORY;
            default -> throw new IllegalArgumentException(
                    "streamrec.covisit.store must be persistent or in-memory, was '" + value + "'");
        };
    }
}
