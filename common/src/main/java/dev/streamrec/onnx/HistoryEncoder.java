package dev.streamrec.onnx;

import java.util.Arrays;
import java.util.List;

import dev.streamrec.model.ModelContract;

/**
 * Turns user histories (oldest first, as a state store keeps them) into {@link ModelInput}: the
 * latest {@code maxHistory} events, most recent first, ages in seconds before the scoring time.
 * The trainer uses the same code for its training examples, so serving and training can't drift.
 */
public final class HistoryEncoder {

    private HistoryEncoder() {
    }

    /** Seconds between an event and the scoring time; events "in the future" (clock skew) count as age 0. */
    public static float ageSeconds(long scoringTimeMs, long eventTimeMs) {
        return Math.max(0L, scoringTimeMs - eventTimeMs) / 1000f;
    }

    /**
     * @param histories    per user, oldest first (any length; only the latest {@code maxHistory} are used)
     * @param scoringTimes per user, epoch ms
     */
    public static ModelInput encode(List<? extends List<HistoryEvent>> histories, long[] scoringTimes, int maxHistory) {
        int b = histories.size();
        if (scoringTimes.length != b) {
            throw new IllegalArgumentException(b + " histories but " + scoringTimes.length + " scoring times");
        }
        // At least one column: ONNX Runtime accepts [B, 0] poorly and an all-padding row is valid input.
        int l = 1;
        for (List<HistoryEvent> h : histories) {
            l = Math.max(l, Math.min(h.size(), maxHistory));
        }
        String[][] items = new String[b][l];
        long[][] types = new long[b][l];
        float[][] ages = new float[b][l];
        for (int i = 0; i < b; i++) {
            Arrays.fill(items[i], ModelContract.PAD_ITEM);
            List<HistoryEvent> h = histories.get(i);
            int n = Math.min(h.size(), maxHistory);
            for (int j = 0; j < n; j++) {
                HistoryEvent e = h.get(h.size() - 1 - j);
                items[i][j] = e.itemId();
                types[i][j] = ModelContract.typeCode(e.type());
                ages[i][j] = ageSeconds(scoringTimes[i], e.timestamp());
            }
        }
        return new ModelInput(items, types, ages);
    }

    /** Rows of item ids padded with {@link ModelContract#PAD_ITEM} to one width (at least 1): candidates or exclusions. */
    public static String[][] padded(List<? extends List<String>> rows) {
        int width = Math.max(1, rows.stream().mapToInt(List::size).max().orElse(1));
        String[][] out = new String[rows.size()][width];
        for (int i = 0; i < rows.size(); i++) {
            Arrays.fill(out[i], ModelContract.PAD_ITEM);
            List<String> r = rows.get(i);
            for (int j = 0; j < r.size(); j++) {
                out[i][j] = r.get(j);
            }
        }
        return out;
    }
}
