package dev.streamrec.app.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import dev.streamrec.avro.Item;

/**
 * What the rankers need of the catalogue (stock and category), kept in memory per app instance in front of
 * the {@value StreamrecTopology#CATALOG_GLOBAL_STORE} global store, which every stream thread reads. A
 * ranking asks about k items; reading each from RocksDB and decoding its Avro value was 8-10% of the
 * stream thread at steady state (issue 11), for a catalogue that changes rarely.
 *
 * <p>Kept current by {@link CatalogUpdater}, the global store's own processor: it writes the store, then
 * {@link #invalidate}s the item, so the next ranking that asks reads the new value. A miss loads inside
 * {@link ConcurrentHashMap#computeIfAbsent}, which holds the key's bin lock while it reads the store; the
 * invalidation takes the same lock after the store write. So a load that read the value from before an
 * update either finished before the invalidation (which then removes it) or started after the write (and
 * read the new value): a stale entry cannot outlive an update. Eviction only removes entries, so it cannot
 * make one stale either: when the cache holds {@code maxEntries} items it is emptied (hot items come back
 * at once; a catalogue larger than the bound costs a reload now and then instead of memory).
 */
final class CatalogCache {

    /** Default bound: items kept (an entry is the key plus a flag and a shared category string: ~100 bytes). */
    static final int DEFAULT_MAX_ENTRIES = 200_000;

    /** The two facts a ranking needs of an item; {@link #ABSENT} for an item the catalogue does not hold. */
    record Entry(boolean known, boolean inStock, String category) {
    }

    static final Entry ABSENT = new Entry(false, true, null);

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongAdder loads = new LongAdder();

    CatalogCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The item's entry; on a miss {@code load} reads the global store (counted in {@link #loads()}). */
    Entry get(String itemId, Function<String, Item> load) {
        Entry e = entries.get(itemId);
        if (e != null) {
            return e;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        return entries.computeIfAbsent(itemId, id -> {
            loads.increment();
            return entry(load.apply(id));
        });
    }

    /** Forgets the item: called after every write of the global store (update or delete). */
    void invalidate(String itemId) {
        entries.remove(itemId);
    }

    /** Forgets everything (the global store was (re)initialised). */
    void clear() {
        entries.clear();
    }

    /** Reads of the global store made by misses so far. */
    long loads() {
        return loads.sum();
    }

    private static Entry entry(Item item) {
        if (item == null) {
            return ABSENT;
        }
        String category = item.getCategory();
        return new Entry(true, item.getInStock(), category == null ? null : category.intern());
    }
}
