package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import dev.streamrec.avro.internal.RecentRecommendations;

/**
 * Codec of the {@value StreamrecTopology#RECENT_RECOMMENDATIONS_STORE} value: which items were recommended
 * to a user and when (event time), keyed by the item id's {@link String#hashCode()}. The store only has to
 * answer "was this item shown within the quality window" for the online hit rate, so a 32-bit hash (a false
 * hit once in ~10^7 lookups at 200 items) and whole seconds do; stored packed (version 2: 4 + 1-3 bytes per
 * item instead of the id and a long), newest first. Version 1 values (a map of item ids) are read as well.
 *
 * <p>Read and rewritten for every list, so it works on primitive arrays (the boxed map it used before was
 * half of the online-quality cost at steady state, issue 11).
 */
final class RecentlyShown {

    /** {@link Shown#lastShown} of an item not shown. */
    static final long NEVER = Long.MIN_VALUE;

    private RecentlyShown() {
    }

    /** A decoded value: item-id hashes and the time each was last shown (epoch ms), one entry per hash. */
    static final class Shown {

        private final int[] hashes;
        private final long[] times;
        private final int size;

        private Shown(int[] hashes, long[] times, int size) {
            this.hashes = hashes;
            this.times = times;
            this.size = size;
        }

        int size() {
            return size;
        }

        /** When the item with this id hash was last shown, or {@link #NEVER}. */
        long lastShown(int hash) {
            for (int i = 0; i < size; i++) {
                if (hashes[i] == hash) {
                    return times[i];
                }
            }
            return NEVER;
        }
    }

    /** Decodes a store value (null: nothing shown). */
    static Shown read(RecentRecommendations r) {
        if (r == null) {
            return new Shown(new int[0], new long[0], 0);
        }
        if (!r.getItems().isEmpty()) {
            return readWithMap(r); // version 1 (or both): merge by hash
        }
        ByteBuffer b = r.getPacked().duplicate();
        int max = b.remaining() / 5;
        int[] hashes = new int[max];
        long[] times = new long[max];
        int n = 0;
        while (b.remaining() >= 5) {
            hashes[n] = b.getInt();
            times[n] = r.getNewest() - Varints.read(b) * 1000;
            n++;
        }
        return new Shown(hashes, times, n); // written from a map: one entry per hash
    }

    private static Shown readWithMap(RecentRecommendations r) {
        Map<Integer, Long> out = new HashMap<>();
        r.getItems().forEach((item, at) -> out.merge(item.hashCode(), at, Math::max));
        Shown packed = read(new RecentRecommendations(Map.of(), r.getNewest(), r.getPacked()));
        for (int i = 0; i < packed.size; i++) {
            out.merge(packed.hashes[i], packed.times[i], Math::max);
        }
        int[] hashes = new int[out.size()];
        long[] times = new long[out.size()];
        int n = 0;
        for (Map.Entry<Integer, Long> e : out.entrySet()) {
            hashes[n] = e.getKey();
            times[n++] = e.getValue();
        }
        return new Shown(hashes, times, n);
    }

    /**
     * The store value after a list was shown at {@code now}: the list's items (their id hashes) at
     * {@code now}, plus the earlier entries still within {@code window} of {@code now}, newest first, at most
     * {@code limit} (the newest).
     */
    static RecentRecommendations withShown(Shown old, int[] shownHashes, long now, long window, int limit) {
        int cap = shownHashes.length + old.size;
        int[] hashes = new int[cap];
        long[] times = new long[cap];
        int n = 0;
        for (int h : shownHashes) {
            if (indexOf(hashes, n, h) < 0) {
                hashes[n] = h;
                times[n++] = now;
            }
        }
        int fresh = n;
        for (int i = 0; i < old.size; i++) {
            if (now - old.times[i] <= window && indexOf(hashes, fresh, old.hashes[i]) < 0) {
                hashes[n] = old.hashes[i];
                times[n++] = old.times[i];
            }
        }
        sortNewestFirst(hashes, times, n);
        n = Math.min(n, limit);
        long newest = n == 0 ? 0 : times[0];
        ByteBuffer out = ByteBuffer.allocate(n * 14);
        for (int i = 0; i < n; i++) {
            out.putInt(hashes[i]);
            Varints.write(out, (newest - times[i]) / 1000);
        }
        byte[] bytes = new byte[out.position()];
        out.flip();
        out.get(bytes);
        return new RecentRecommendations(Map.of(), newest, ByteBuffer.wrap(bytes));
    }

    private static int indexOf(int[] hashes, int n, int h) {
        for (int i = 0; i < n; i++) {
            if (hashes[i] == h) {
                return i;
            }
        }
        return -1;
    }

    /** Insertion sort, newest first: the input is nearly sorted (stored newest first, the new items at the front). */
    private static void sortNewestFirst(int[] hashes, long[] times, int n) {
        for (int i = 1; i < n; i++) {
            long t = times[i];
            int h = hashes[i];
            int j = i - 1;
            while (j >= 0 && times[j] < t) {
                times[j + 1] = times[j];
                hashes[j + 1] = hashes[j];
                j--;
            }
            times[j + 1] = t;
            hashes[j + 1] = h;
        }
    }
}
