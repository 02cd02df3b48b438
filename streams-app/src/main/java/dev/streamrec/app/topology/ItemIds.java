package dev.streamrec.app.topology;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One String per item id for what the app keeps on the heap for seconds to minutes (cached neighbour lists, the item
 * side's tops). Such objects are copied at every young collection while they live, and an id decoded from a record is
 * two objects per reference; shared, the ids are as many as the catalogue's items, promoted once (BENCHMARKS.md,
 * issue 11, "The heap's size; what survives a young collection"). Bounded: past {@code max} ids it starts over, which
 * only costs new copies of the ids still in use. Thread-safe.
 */
final class ItemIds {
    private final int max;
    private volatile ConcurrentHashMap<String, String> byValue = new ConcurrentHashMap<>();

    ItemIds(int max) {
        this.max = max;
    }

    /** The shared String equal to {@code id}. */
    String canonical(String id) {
        ConcurrentHashMap<String, String> map = byValue;
        String kept = map.putIfAbsent(id, id);
        if (kept != null) {
            return kept;
        }
        if (map.size() > max) {
            byValue = new ConcurrentHashMap<>();
        }
        return id;
    }
}
