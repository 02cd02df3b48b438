package dev.streamrec.app.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Decoded values of one global store, kept in memory per app instance (shared by its stream threads), in
 * front of the store. The rankers read the catalogue (stock, category) and the published neighbour lists
 * of hot items for event after event; reading each from RocksDB and decoding its Avro value again was
 * 15% of the stream thread at steady state (issue 11), for stores that change a few times a second.
 *
 * <p>Kept current by {@link GlobalCacheWriter}, the global store's own processor: it writes the store,
 * then {@link #invalidate}s the key, so the next read after an update loads the new value. A miss loads
 * inside {@link ConcurrentHashMap#computeIfAbsent}, which holds the key's bin lock while it reads the
 * store; the invalidation takes the same lock after the store write. So a load that read the value from
 * before an update either finished before the invalidation (which then removes it) or started after the
 * write (and read the new value): a stale entry cannot outlive an update. Eviction only removes entries,
 * so it cannot make one stale either: when the cache holds {@code maxEntries} keys it is emptied (hot keys
 * come back at once; a store larger than the bound costs a reload now and then instead of memory).
 *
 * @param <V> the cached form of a value; {@code load} may return null (no such key), which is cached too
 */
final class GlobalCache<V> implements CacheStats {

    /** Stands for "the store holds no value" (a concurrent map takes no nulls). */
    private static final Object NONE = new Object();

    private final Map<String, Object> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final LongAdder loads = new LongAdder();
    private final LongAdder reads = new LongAdder();

    GlobalCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** The key's value; on a miss {@code load} reads the global store (counted in {@link #loads()}). */
    @SuppressWarnings("unchecked")
    V get(String key, Function<String, V> load) {
        reads.increment();
        Object e = entries.get(key);
        if (e == null) {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            e = entries.computeIfAbsent(key, k -> {
                loads.increment();
                V v = load.apply(k);
                return v == null ? NONE : v;
            });
        }
        return e == NONE ? null : (V) e;
    }

    /** Forgets the key: called after every write of the global store (update or delete). */
    void invalidate(String key) {
        entries.remove(key);
    }

    /** Forgets everything (the global store was (re)initialised). */
    void clear() {
        entries.clear();
    }

    /** Loads from the global store made by misses so far. */
    @Override
    public long loads() {
        return loads.sum();
    }

    @Override
    public long reads() {
        return reads.sum();
    }

    @Override
    public int entries() {
        return entries.size();
    }
}
