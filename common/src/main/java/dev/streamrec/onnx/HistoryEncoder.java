package dev.streamrec.onnx;

import java.util.Arrays;
import java.util.List;

import dev.streamrec.model.ModelContract;

/**
 * The input transform: user histories (oldest first, as a state store keeps them) to the history
 * tensors of one call ({@link HistoryBatch}): the latest {@code length} events, most recent first,
 * ages in seconds before the scoring time. The trainer uses the same code for its golden input and
 * its evaluation, so serving and training can't drift.
 */
public final class HistoryEncoder {

    private HistoryEncoder() {
    }

    /** Seconds between an event and the scoring time; events "in the future" (clock skew) count as age 0. */
    public static float ageSeconds(long scoringTimeMs, long eventTimeMs) {
        return Math.max(0L, scoringTimeMs - eventTimeMs) / 1000f;
    }

    /**
     * One row per history, as wide as the longest one (at most {@code maxHistory}, at least 1: ONNX
     * Runtime accepts {@code [B, 0]} poorly and an all-padding row is valid input).
     *
     * @param histories    per user, oldest first (any length; only the latest {@code maxHistory} are used)
     * @param scoringTimes per user, epoch ms
     */
    public static HistoryBatch encode(List<? extends List<HistoryEvent>> histories, long[] scoringTimes, int maxHistory) {
        int l = 1;
        for (List<HistoryEvent> h : histories) {
            l = Math.max(l, Math.min(h.size(), maxHistory));
        }
        return encode(histories, scoringTimes, histories.size(), l);
    }

    /**
     * A fixed {@code [rows, length]} shape, so that a session sees few distinct shapes and reuses its
     * buffers: rows past the histories are padding (no history), every row is padded to {@code length}.
     * Padding follows {@link ModelContract}: {@link ModelContract#PAD_ITEM}, type 0, age 0; a padded
     * slot adds nothing to the user vector.
     *
     * @param histories    one per real row ({@code histories.size() <= rows}), oldest first
     * @param scoringTimes epoch ms per history (ages are measured from it)
     * @param length       columns: the model's {@code maxHistory} (longer histories are cut)
     */
    public static HistoryBatch encode(List<? extends List<HistoryEvent>> histories, long[] scoringTimes, int rows,
                                      int length) {
        return encodeRows(histories.stream().map(EventHistory::of).toList(), scoringTimes, rows, length);
    }

    /**
     * As {@link #encode(List, long[], int, int)}, for histories read by index (the serving path: the
     * store's decoded history, with no list of events built in between).
     */
    public static HistoryBatch encodeRows(List<? extends EventHistory> histories, long[] scoringTimes, int rows,
                                          int length) {
        int b = histories.size();
        if (scoringTimes.length != b) {
            throw new IllegalArgumentException(b + " histories but " + scoringTimes.length + " scoring times");
        }
        if (b > rows) {
            throw new IllegalArgumentException(b + " histories for " + rows + " rows");
        }
        String[] items = new String[rows * length];
        Arrays.fill(items, ModelContract.PAD_ITEM);
        long[] types = new long[rows * length];
        float[] ages = new float[rows * length];
        for (int i = 0; i < b; i++) {
            EventHistory h = histories.get(i);
            int n = Math.min(h.size(), length);
            for (int j = 0; j < n; j++) {
                int e = h.size() - 1 - j;
                items[i * length + j] = h.itemId(e);
                types[i * length + j] = ModelContract.typeCode(h.type(e));
                ages[i * length + j] = ageSeconds(scoringTimes[i], h.timestamp(e));
            }
        }
        return new HistoryBatch(rows, length, items, types, ages);
    }
}
