package dev.streamrec.onnx;

import java.util.List;

import dev.streamrec.model.ModelContract;

/**
 * The history tensors of one ONNX Runtime call as flat row-major arrays {@code [rows, length]}:
 * item ids, type codes and ages, most recent event first. Made by {@link HistoryEncoder}; padding
 * follows {@link ModelContract}: {@link ModelContract#PAD_ITEM}, type 0, age 0.
 */
public record HistoryBatch(int rows, int length, String[] items, long[] types, float[] ages) {

    public HistoryBatch {
        int n = rows * length;
        if (rows < 1 || length < 1 || items.length != n || types.length != n || ages.length != n) {
            throw new IllegalArgumentException("history batch is not [" + rows + ", " + length + "]");
        }
    }

    /** One row given as lists (the manifest's golden input). */
    public static HistoryBatch single(List<String> items, List<Long> types, List<Float> ages) {
        int l = items.size();
        if (types.size() != l || ages.size() != l || l == 0) {
            throw new IllegalArgumentException("history lists differ in length or are empty");
        }
        float[] a = new float[l];
        for (int j = 0; j < l; j++) {
            a[j] = ages.get(j);
        }
        return new HistoryBatch(1, l, items.toArray(String[]::new), types.stream().mapToLong(Long::longValue).toArray(), a);
    }
}
