package dev.streamrec.app.topology;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each user of one task was recently shown, for the online hit rate: per user the items' id hashes
 * ({@link String#hashCode()}) and when each was last shown (event time), newest first, at most
 * {@value #MAX_ITEMS}, only those within {@code streamrec.quality.window}. A 32-bit hash does for "was this
 * item shown": a false hit about once in 10^7 lookups at 200 items.
 *
 * <p>On the heap, per task, not in a state store: it is a metric's memory (a task that moves or restarts starts
 * it afresh), and as a RocksDB store read and rewritten for every list it cost 8% of the stream threads' CPU
 * (BENCHMARKS.md, issue 11, session 23). Bounded twice: a user whose newest list left the window is dropped,
 * and past {@code maxUsers} the least recently shown-to user is dropped (counted, so an operator sees that the
 * hit rate misses hits; {@code streamrec.quality.max-users-per-task}). Not thread-safe: one per task.
 */
final class RecentlyShown {

    /** Items remembered per user. */
    static final int MAX_ITEMS = 200;
    /** {@link Shown#lastShown} of an item not shown. */
    static final long NEVER = Long.MIN_VALUE;

    private static final Shown NONE = new Shown(new int[0], new long[0]);

    private final long windowMs;
    private final int maxUsers;
    // Access order: the eldest entry is the user least recently shown a list, the first to leave the window.
    private final LinkedHashMap<String, Shown> byUser = new LinkedHashMap<>(64, 0.75f, true);

    RecentlyShown(long windowMs, int maxUsers) {
        this.windowMs = windowMs;
        this.maxUsers = maxUsers;
    }

    /** What {@code user} was shown (empty if nothing within the window, as far as this task remembers). */
    Shown of(String user) {
        Shown s = byUser.get(user);
        return s == null ? NONE : s;
    }

    /**
     * Remembers that {@code user}, who had been shown {@code before} ({@link #of}, read by the caller for its hit
     * check), was shown the items with these id hashes at {@code now}; forgets what left the window.
     *
     * @return how many users were dropped to stay within {@code maxUsers} (their later hits will be missed)
     */
    int shown(String user, Shown before, int[] hashes, long now) {
        Shown updated = before.with(hashes, now, windowMs, MAX_ITEMS);
        if (updated.size() == 0) {
            byUser.remove(user); // an empty list, and nothing left in the window: nothing to remember
        } else {
            byUser.put(user, updated);
        }
        return trim(now);
    }

    void forget(String user) {
        byUser.remove(user);
    }

    int users() {
        return byUser.size();
    }

    private int trim(long now) {
        int dropped = 0;
        Iterator<Map.Entry<String, Shown>> it = byUser.entrySet().iterator();
        while (it.hasNext()) {
            Shown eldest = it.next().getValue();
            if (byUser.size() > maxUsers) {
                dropped++;
            } else if (now - eldest.newest() <= windowMs) { // never empty (shown keeps none), so newest is a time
                break;
            }
            it.remove();
        }
        return dropped;
    }

    /** One user's items: id hashes and the time each was last shown (epoch ms), newest first. Immutable. */
    static final class Shown {

        private final int[] hashes;
        private final long[] times;

        private Shown(int[] hashes, long[] times) {
            this.hashes = hashes;
            this.times = times;
        }

        int size() {
            return hashes.length;
        }

        /** When the item with this id hash was last shown, or {@link #NEVER}. */
        long lastShown(int hash) {
            for (int i = 0; i < hashes.length; i++) {
                if (hashes[i] == hash) {
                    return times[i];
                }
            }
            return NEVER;
        }

        long newest() {
            return hashes.length == 0 ? NEVER : times[0];
        }

        /**
         * After a list was shown at {@code now}: the list's items at {@code now}, plus the earlier entries still
         * within {@code window} of {@code now}, newest first, at most {@code limit} (the newest).
         */
        Shown with(int[] shownHashes, long now, long window, int limit) {
            int cap = shownHashes.length + hashes.length;
            int[] h = new int[cap];
            long[] t = new long[cap];
            int n = 0;
            for (int hash : shownHashes) {
                if (indexOf(h, n, hash) < 0) {
                    h[n] = hash;
                    t[n++] = now;
                }
            }
            int fresh = n;
            for (int i = 0; i < hashes.length; i++) {
                if (now - times[i] <= window && indexOf(h, fresh, hashes[i]) < 0) {
                    h[n] = hashes[i];
                    t[n++] = times[i];
                }
            }
            sortNewestFirst(h, t, n);
            n = Math.min(n, limit);
            return new Shown(java.util.Arrays.copyOf(h, n), java.util.Arrays.copyOf(t, n));
        }

        private static int indexOf(int[] hashes, int n, int h) {
            for (int i = 0; i < n; i++) {
                if (hashes[i] == h) {
                    return i;
                }
            }
            return -1;
        }

        /** Insertion sort, newest first: the input is nearly sorted (kept newest first, the new items at the front). */
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
}
