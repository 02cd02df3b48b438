package dev.streamrec.app.scoring;

import java.util.Arrays;
import java.util.List;

import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.ModelInput;

/**
 * The history tensors of one ONNX Runtime call as flat row-major arrays {@code [rows, length]}:
 * item ids, type codes and ages. Rows past the real requests are padding (no history), and every
 * row is padded to {@code length}, so that a session sees few distinct shapes and can reuse its
 * buffers. Padding follows {@link ModelContract}: {@link ModelContract#PAD_ITEM}, type 0, age 0;
 * a padded slot adds nothing to the user vector.
 */
public record HistoryBatch(int rows, int length, String[] items, long[] types, float[] ages) {

    public HistoryBatch {
        int n = rows * length;
        if (rows < 1 || length < 1 || items.length != n || types.length != n || ages.length != n) {
            throw new IllegalArgumentException("history batch is not [" + rows + ", " + length + "]");
        }
    }

    /**
     * Encodes histories (oldest first, as the state store keeps them) with the trainer's own
     * {@link HistoryEncoder}, then pads to {@code rows x length}.
     *
     * @param histories    one per real request ({@code histories.size() <= rows})
     * @param scoringTimes epoch ms per request (ages are measured from it)
     * @param length       columns; the model's {@code maxHistory} (longer histories are cut by the encoder)
     */
    public static HistoryBatch encode(List<? extends List<HistoryEvent>> histories, long[] scoringTimes, int rows,
                                      int length) {
        if (histories.size() > rows) {
            throw new IllegalArgumentException(histories.size() + " histories for " + rows + " rows");
        }
        String[] items = new String[rows * length];
        Arrays.fill(items, ModelContract.PAD_ITEM);
        long[] types = new long[rows * length];
        float[] ages = new float[rows * length];
        if (!histories.isEmpty()) {
            ModelInput in = HistoryEncoder.encode(histories, scoringTimes, length);
            int l = Math.min(in.historyLength(), length);
            for (int i = 0; i < in.batchSize(); i++) {
                System.arraycopy(in.historyItems()[i], 0, items, i * length, l);
                System.arraycopy(in.historyTypes()[i], 0, types, i * length, l);
                System.arraycopy(in.historyAges()[i], 0, ages, i * length, l);
            }
        }
        return new HistoryBatch(rows, length, items, types, ages);
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
