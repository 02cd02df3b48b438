package dev.streamrec.app.topology;

/**
 * One String per item id for what the app keeps on the heap for seconds to minutes (cached neighbour lists, the item
 * side's tops). Such objects are copied at every young collection while they live, and an id decoded from a record is
 * two objects per reference; shared, the ids are as many as the catalogue's items, promoted once (BENCHMARKS.md,
 * issue 11, "The heap's size; what survives a young collection"). Bounded like any {@link Interner}. Thread-safe.
 */
final class ItemIds extends Interner<String> {

    ItemIds(int max) {
        super(max);
    }
}
