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
     * A sorted map on the heap: no RocksDB call on the item side's hot path, but every pair costs heap (136-192
     * bytes, measured) and a task restores its pairs from the changelog whenever it starts.
     */
    IN_MEMORY;

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
