package dev.streamrec.trainer.eval;

import java.util.List;

import dev.streamrec.trainer.data.EvalCase;

/**
 * Anything the evaluator can rank with: a model (ONNX or Java) or a baseline. A scorer that can
 * score the whole catalogue at once should be a {@link DenseScorer}: the evaluator then counts ranks
 * from the full score vector, in parallel. Any other scorer is ranked from its top-k lists (as the
 * ONNX full-catalogue mode gives them), fetching longer lists only where ties reach the list's end.
 */
public interface Scorer extends AutoCloseable {

    /** Short name for reports, e.g. "model" or "popularity". */
    String name();

    /**
     * {@code result[b][c]}: score of {@code candidates.get(b).get(c)} for case {@code b}'s history at
     * its time; an item the scorer cannot rank scores {@code ModelContract.UNKNOWN_ITEM_SCORE}.
     */
    float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates);

    /**
     * The best {@code k} items per case, outside {@code exclude.get(b)}, with their scores, best
     * first; fewer than {@code k} only when no other item can be ranked. Equal scores must be listed
     * together (any order among them).
     */
    List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k);

    /** Whether the scorer learnt anything about this item (reported as "unknown target" when not). */
    default boolean knows(String itemId) {
        return true;
    }

    /** An item and its score. */
    record Ranked(String itemId, float score) {
    }

    @Override
    default void close() {
    }
}
