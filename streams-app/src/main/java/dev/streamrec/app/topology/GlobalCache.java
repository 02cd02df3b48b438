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
 * <p><b>Two generations</b>, each of at most half of {@code maxEntries}: entries are added to the young
 * one; when it is full it becomes the old one (the previous old one is dropped) and a new young one
 * starts. A read that finds its key in the old generation moves it to the young one, so a key read at
 * least once per generation stays, about as an LRU would keep it. (Until session 13 a full cache was
 * emptied; in a simulation of Zipf reads over catalogues five times the cap, two generations missed
 * 10-14% less often: BENCHMARKS.md, issue 11, end of "This session's defaults together".)
 *
 * <p><b>No stale entry outlives an update.</b> {@link GlobalCacheWriter}, the global store's own processor,
 * writes the store, then {@link #invalidate}s the key: it removes it from the old generation, then from the
 * young one, and again if the generations changed meanwhile. A miss runs inside the young map's
 * {@link ConcurrentHashMap#computeIfAbsent}, which holds the key's bin lock while it takes the key out of
 * the old generation or loads it from the store; the invalidation's removal from the young map takes the
 * same lock. So a value read from before an update either was placed before that removal (which then
 * removes it) or was taken after the invalidation had emptied the old generation of the key (so it was
 * loaded from the store after the write: the new value). The two maps are read together from one
 * {@link Generations} reference, never one from before an ageing and one from after.
 *
 * @param <V> the cached form of a value; {@code load} may return null (no such key), which is cached too
 */
final class GlobalCache<V> implements CacheStats {

    /** Stands for "the store holds no value" (a concurrent map takes no nulls). */
    private static final Object NONE = new Object();

    /** The young and the old generation; replaced as a whole when the young one is full. */
    private record Generations(Map<String, Object> young, Map<String, Object> old) {
        static Generations empty() {
            return new Generations(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        }
    }

    private volatile Generations generations = Generations.empty();
    private final int generationSize;
    private final LongAdder loads = new LongAdder();
    private final LongAdder reads = new LongAdder();

    GlobalCache(int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.generationSize = Math.max(1, maxEntries / 2);
    }

    /** The key's value; on a miss {@code load} reads the global store (counted in {@link #loads()}). */
    @SuppressWarnings("unchecked")
    V get(String key, Function<String, V> load) {
        reads.increment();
        Generations g = generations;
        Object e = g.young().get(key);
        if (e == null) {
            if (g.young().size() >= generationSize) {
                g = age(g);
            }
            Map<String, Object> old = g.old();
            e = g.young().computeIfAbsent(key, k -> {
                Object kept = old.remove(k);
                if (kept != null) {
                    return kept;
                }
                loads.increment();
                V v = load.apply(k);
                return v == null ? NONE : v;
            });
        }
        return e == NONE ? null : (V) e;
    }

    /** The young generation {@code full} becomes the old one (unless another thread did it first). */
    private synchronized Generations age(Generations full) {
        Generations now = generations;
        if (now == full) {
            now = new Generations(new ConcurrentHashMap<>(), full.young());
            generations = now;
        }
        return now;
    }

    /** Forgets the key: called after every write of the global store (update or delete). */
    void invalidate(String key) {
        Generations g;
        do {
            g = generations;
            g.old().remove(key);
            g.young().remove(key);
        } while (g != generations);
    }

    /** Forgets everything (the global store was (re)initialised). */
    void clear() {
        generations = Generations.empty();
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
        Generations g = generations;
        return g.young().size() + g.old().size();
    }
}
