package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.streamrec.model.ModelContract;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.SeqRecModel;

/**
 * Scores with the Java model directly. Used for early stopping during training (no export per
 * epoch) and as the reference the ONNX export is checked against; reported metrics come from
 * {@link OnnxScorer}.
 */
public final class ModelScorer implements Scorer {

    private final SeqRecModel model;

    public ModelScorer(SeqRecModel model) {
        this.model = model;
    }

    @Override
    public String name() {
        return "model-java";
    }

    /** The user vector of one case. */
    private float[] encode(EvalCase c, History hist, SeqRecModel.Workspace ws) {
        hist.fill(c.history(), c.timestamp(), model.vocabulary, model.ageBoundaries);
        model.encode(hist, ws);
        return ws.u;
    }

    @Override
    public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
        History hist = new History(model.maxHistory);
        SeqRecModel.Workspace ws = new SeqRecModel.Workspace(model);
        float[][] out = new float[cases.size()][];
        for (int b = 0; b < cases.size(); b++) {
            float[] u = encode(cases.get(b), hist, ws);
            List<String> row = candidates.get(b);
            out[b] = new float[row.size()];
            for (int c = 0; c < row.size(); c++) {
                int item = model.vocabulary.index(row.get(c));
                out[b][c] = item == 0 ? ModelContract.UNKNOWN_ITEM_SCORE : model.score(u, item);
            }
        }
        return out;
    }

    @Override
    public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
        History hist = new History(model.maxHistory);
        SeqRecModel.Workspace ws = new SeqRecModel.Workspace(model);
        List<List<Ranked>> out = new ArrayList<>(cases.size());
        float[] scores = new float[model.vocabulary.rows()];
        for (int b = 0; b < cases.size(); b++) {
            float[] u = encode(cases.get(b), hist, ws);
            for (int r = 1; r < scores.length; r++) {
                scores[r] = model.score(u, r);
            }
            Set<Integer> ex = TopK.rows(exclude.get(b), model.vocabulary::index);
            out.add(TopK.of(scores, model.vocabulary::id, ex::contains, k));
        }
        return out;
    }
}
