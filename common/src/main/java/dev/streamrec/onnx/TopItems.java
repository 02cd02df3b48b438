package dev.streamrec.onnx;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.model.ModelContract;

/**
 * Full-catalog output of a batch: {@code items[b][r]} with {@code scores[b][r]}, best first. When k
 * exceeds what is left after exclusion, the tail holds excluded items at the masked score; use
 * {@link #ranked} to get only real recommendations.
 */
public record TopItems(String[][] items, float[][] scores) {

    /** An item and its score. */
    public record ScoredItem(String itemId, float score) {
    }

    /** Row {@code b} as recommendations, dropping masked (excluded) entries. */
    public List<ScoredItem> ranked(int b) {
        List<ScoredItem> out = new ArrayList<>(items[b].length);
        for (int r = 0; r < items[b].length; r++) {
            if (scores[b][r] > ModelContract.UNKNOWN_ITEM_SCORE) {
                out.add(new ScoredItem(items[b][r], scores[b][r]));
            }
        }
        return out;
    }
}
