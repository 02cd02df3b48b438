package dev.streamrec.trainer.eval;

import java.util.List;

import dev.streamrec.trainer.data.EvalCase;

/** Anything the evaluator can rank with: a model (ONNX or Java) or a baseline. */
public interface Scorer extends AutoCloseable {

    /** Short name for reports, e.g. "model" or "popularity". */
    String name();

    /** {@code result[b][c]}: score of {@code candidates.get(b).get(c)} for case {@code b}'s history at its time. */
    float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates);

    /** The best {@code k} items per case, outside {@code exclude.get(b)}, with their scores, best first. */
    List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k);

    /** An item and its score. */
    record Ranked(String itemId, float score) {
    }

    @Override
    default void close() {
    }
}
