package dev.streamrec.app.topology;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per distinct value, for values the app keeps on the heap for long (item ids above all: see
 * {@link ItemIds} and {@link HeapPairStore}). Bounded: past {@code max} values it starts over, which only costs new
 * copies of the values still in use. Thread-safe.
 *
 * @param <T> the value's type, with {@code equals} and {@code hashCode} by content
 */
class Interner<T> {
    private final int max;
    private volatile ConcurrentHashMap<T, T> byValue = new ConcurrentHashMap<>();

    Interner(int max) {
        this.max = max;
    }

    /** The shared instance equal to {@code value}. */
    T canonical(T value) {
        ConcurrentHashMap<T, T> map = byValue;
        T kept = map.putIfAbsent(value, value);
        if (kept != null) {
            return kept;
        }
        if (map.size() > max) {
            byValue = new ConcurrentHashMap<>();
        }
        return value;
    }
}
