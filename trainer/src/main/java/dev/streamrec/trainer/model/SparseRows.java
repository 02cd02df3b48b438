package dev.streamrec.trainer.model;

import java.util.Arrays;

/**
 * Gradient rows of a large table, kept only for the rows a mini-batch touched. A row's values live
 * at {@code offset(row) .. offset(row) + width} in {@link #values()}; {@link #clear()} costs the
 * number of touched rows, not the table size.
 */
public final class SparseRows {

    private final int width;
    private final int[] slot;
    private int[] touched = new int[256];
    private float[] values;
    private int count;

    public SparseRows(int rows, int width) {
        this.width = width;
        this.slot = new int[rows];
        Arrays.fill(slot, -1);
        this.values = new float[256 * width];
    }

    /** Offset of {@code row}'s values, allocating a zeroed row on first touch. */
    public int offset(int row) {
        int s = slot[row];
        if (s < 0) {
            if (count == touched.length) {
                touched = Arrays.copyOf(touched, count * 2);
                values = Arrays.copyOf(values, count * 2 * width);
            }
            s = count++;
            slot[row] = s;
            touched[s] = row;
        }
        return s * width;
    }

    public float[] values() {
        return values;
    }

    public int count() {
        return count;
    }

    /** Row index of the i-th touched row, in order of first touch. */
    public int row(int i) {
        return touched[i];
    }

    public int width() {
        return width;
    }

    /** Adds every row of {@code other} into this one. */
    public void addAll(SparseRows other) {
        float[] src = other.values;
        for (int i = 0; i < other.count; i++) {
            int to = offset(other.touched[i]);
            int from = i * width;
            for (int k = 0; k < width; k++) {
                values[to + k] += src[from + k];
            }
        }
    }

    public void clear() {
        for (int i = 0; i < count; i++) {
            slot[touched[i]] = -1;
        }
        Arrays.fill(values, 0, count * width, 0f);
        count = 0;
    }
}
