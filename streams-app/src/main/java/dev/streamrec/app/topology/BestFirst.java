package dev.streamrec.app.topology;

import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Candidates best first without sorting them all. An event has up to 200 candidates (from up to 500
 * co-visited items) and about k of them are served, yet the generator sorted every co-visited item to
 * keep the best 200 and the ranker sorted those 200 again: 8% of the stream threads' CPU at steady
 * state (BENCHMARKS.md, issue 11, "Selection instead of sorts").
 *
 * <p>An instance is a binary heap built in linear time over the items, then one {@link #next} per item
 * taken, each O(log n): a ranker that stops after k served items pays O(n + k log n).
 * {@link #keepBest} moves the best {@code k} of an array to its front in expected linear time.
 * {@code order} must be a total order (ties broken, e.g. by item id) for results independent of the
 * input order.
 *
 * @param <T> the items; "best" is the smallest under {@code order}
 */
public final class BestFirst<T> {

    private final Object[] heap;
    private final Comparator<? super T> order;
    private int size;

    /** The items of {@code items}, best first (copied once into the heap; the list is left as it is). */
    public BestFirst(List<? extends T> items, Comparator<? super T> order) {
        this.heap = items.toArray();
        this.order = order;
        heapify();
    }

    /** The items of {@code items}, best first, in the array itself: a caller that built it for this gives it up. */
    public BestFirst(T[] items, Comparator<? super T> order) {
        this.heap = items;
        this.order = order;
        heapify();
    }

    private void heapify() {
        size = heap.length;
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    public boolean hasNext() {
        return size > 0;
    }

    /** The best item not yet taken. */
    @SuppressWarnings("unchecked")
    public T next() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        T best = (T) heap[0];
        heap[0] = heap[--size];
        heap[size] = null;
        if (size > 0) {
            siftDown(0);
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    private void siftDown(int i) {
        Object x = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && order.compare((T) heap[right], (T) heap[child]) < 0) {
                child = right;
            }
            if (order.compare((T) x, (T) heap[child]) <= 0) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    /**
     * Reorders {@code a[0, size)} so that its best {@code k} items (under {@code order}) come first, in
     * no particular order: quickselect with a median-of-three pivot, expected O(size).
     */
    public static <E> void keepBest(E[] a, int size, int k, Comparator<? super E> order) {
        int lo = 0;
        int hi = size - 1;
        while (lo < hi && k > lo && k <= hi) {
            int p = partition(a, lo, hi, order);
            if (p == k || p == k - 1) {
                return;
            }
            if (p < k) {
                lo = p + 1;
            } else {
                hi = p - 1;
            }
        }
    }

    /** Lomuto partition of {@code a[lo, hi]} around a median of three; returns the pivot's final index. */
    private static <E> int partition(E[] a, int lo, int hi, Comparator<? super E> order) {
        int mid = (lo + hi) >>> 1;
        // median of a[lo], a[mid], a[hi] into a[hi], the pivot
        if (order.compare(a[mid], a[lo]) < 0) {
            swap(a, mid, lo);
        }
        if (order.compare(a[hi], a[lo]) < 0) {
            swap(a, hi, lo);
        }
        if (order.compare(a[mid], a[hi]) < 0) {
            swap(a, mid, hi);
        }
        E pivot = a[hi];
        int store = lo;
        for (int i = lo; i < hi; i++) {
            if (order.compare(a[i], pivot) < 0) {
                swap(a, i, store++);
            }
        }
        swap(a, store, hi);
        return store;
    }

    private static void swap(Object[] a, int i, int j) {
        Object t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
