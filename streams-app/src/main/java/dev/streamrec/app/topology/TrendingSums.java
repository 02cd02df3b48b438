package dev.streamrec.app.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A task's trending counts in memory ({@link TrendingCounter}): a copy of its window store's buckets still in
 * the window, bucket start → item → count, and each item's sum over them, so that a publication reads no
 * store. Built from the store's contents; buckets leave it as the window moves on ({@link #from}), and a
 * bucket that left is never taken back (stream time only grows): {@link #count} then says so, and the
 * caller reads the store.
 */
final class TrendingSums {

    private final long bucketMs;
    private final int maxHeld;
    private final TreeMap<Long, Map<String, long[]>> buckets = new TreeMap<>();
    private final Map<String, long[]> sums = new HashMap<>();
    /** Least bucket start held; older buckets left the window for good. */
    private long horizon = Long.MIN_VALUE;
    /** (bucket, item) counts held. */
    private int held;

    private TrendingSums(long bucketMs, int maxHeld) {
        this.bucketMs = bucketMs;
        this.maxHeld = maxHeld;
    }

    /** The store's counts (every bucket of {@code store}); null when there are more than {@code maxHeld}. */
    static TrendingSums of(KeyValueIterator<Windowed<String>, Long> store, long bucketMs, int maxHeld) {
        TrendingSums sums = new TrendingSums(bucketMs, maxHeld);
        while (store.hasNext()) {
            KeyValue<Windowed<String>, Long> kv = store.next();
            if (!sums.set(kv.key.key(), kv.key.window().start(), kv.value)) {
                return null;
            }
        }
        return sums;
    }

    /** The item's count in the bucket (0: none); null when the bucket has left (the store has it). */
    Long count(String item, long bucket) {
        if (bucket < horizon) {
            return null;
        }
        Map<String, long[]> b = buckets.get(bucket);
        long[] n = b == null ? null : b.get(item);
        return n == null ? 0L : n[0];
    }

    /**
     * Sets the item's count in a bucket (not one that has left: see {@link #count}); false when that makes
     * more than {@code maxHeld} counts (this copy is then no longer complete).
     */
    boolean set(String item, long bucket, long count) {
        Map<String, long[]> b = buckets.computeIfAbsent(bucket, k -> new HashMap<>());
        long[] n = b.get(item);
        if (n == null) {
            if (++held > maxHeld) {
                return false;
            }
            n = new long[1];
            b.put(item, n);
        }
        sums.computeIfAbsent(item, i -> new long[1])[0] += count - n[0];
        n[0] = count;
        return true;
    }

    /**
     * Drops the buckets that end at or before {@code from} (they left the window) and returns each item's sum
     * over the buckets left, which all overlap the window from {@code from} (live: read it before the next change).
     */
    Map<String, long[]> from(long from) {
        Map<Long, Map<String, long[]>> old = buckets.headMap(from - bucketMs, true);
        for (Map<String, long[]> bucket : old.values()) {
            held -= bucket.size();
            bucket.forEach((item, n) -> {
                long[] sum = sums.get(item);
                sum[0] -= n[0];
                if (sum[0] == 0) {
                    sums.remove(item);
                }
            });
        }
        old.clear();
        horizon = Math.max(horizon, from - bucketMs + 1);
        return sums;
    }
}
