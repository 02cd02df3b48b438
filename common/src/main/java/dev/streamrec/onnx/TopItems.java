package dev.streamrec.onnx;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.model.ModelContract;

/**
 * Full-catalog output of a call: {@code items[b][r]} with score {@link #score score(b, r)}, best
 * first, {@code k} per row ({@code scores} is the flat row-major {@code [rows, k]} tensor). When k
 * exceeds what is left after exclusion, the tail holds excluded items at the masked score
 * {@link ModelContract#UNKNOWN_ITEM_SCORE}; {@link #ranked} drops them.
 */
public record TopItems(String[][] items, float[] scores, int k) {

    /** An item and its score. */
    public record ScoredItem(String itemId, float score) {
    }

    public float score(int row, int rank) {
        return scores[row * k + rank];
    }

    /** Row {@code b} as recommendations, dropping masked (excluded) entries: the output transform of batch evaluation. */
    public List<ScoredItem> ranked(int b) {
        List<ScoredItem> out = new ArrayList<>(items[b].length);
        for (int r = 0; r < items[b].length; r++) {
            if (score(b, r) > ModelContract.UNKNOWN_ITEM_SCORE) {
                out.add(new ScoredItem(items[b][r], score(b, r)));
            }
        }
        return out;
    }
}
