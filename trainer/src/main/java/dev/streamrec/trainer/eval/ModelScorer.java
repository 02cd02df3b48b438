package dev.streamrec.trainer.eval;

import java.util.List;

import dev.streamrec.model.ModelContract;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.Vocabulary;

/**
 * Scores with the Java model directly, over its own vocabulary (catalogue row {@code r} is
 * vocabulary row {@code r + 1}). Used for early stopping during training (no export per epoch) and as
 * the reference the ONNX export is checked against; reported test metrics come from {@link OnnxScorer}.
 */
public final class ModelScorer implements DenseScorer {

    private final SeqRecModel model;
    private final Catalogue catalogue;

    public ModelScorer(SeqRecModel model) {
        this.model = model;
        this.catalogue = Catalogue.inOrder(model.vocabulary.ids());
    }

    @Override
    public String name() {
        return "model-java";
    }

    @Override
    public Catalogue catalogue() {
        return catalogue;
    }

    @Override
    public boolean knows(String itemId) {
        return model.vocabulary.index(itemId) != Vocabulary.UNKNOWN;
    }

    /** Only the candidates' rows: what early stopping on sampled metrics needs, far less than the whole catalogue. */
    @Override
    public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
        History hist = new History(model.maxHistory);
        SeqRecModel.Workspace ws = new SeqRecModel.Workspace(model);
        float[][] out = new float[cases.size()][];
        for (int b = 0; b < cases.size(); b++) {
            EvalCase c = cases.get(b);
            hist.fill(c.history(), c.scoringTime(), model.vocabulary, model.ageBoundaries);
            model.encode(hist, ws);
            List<String> row = candidates.get(b);
            out[b] = new float[row.size()];
            for (int i = 0; i < row.size(); i++) {
                int item = model.vocabulary.index(row.get(i));
                out[b][i] = item == Vocabulary.UNKNOWN ? ModelContract.UNKNOWN_ITEM_SCORE : model.score(ws.u, item);
            }
        }
        return out;
    }

    /**
     * The batch's user vectors side by side ({@code users[k * B + b]}), then every item's score for
     * all of them: the inner loop runs over the batch, element-wise, which the JIT vectorises. Each
     * score still adds {@code bias + u[0] i[0] + u[1] i[1] + ...} in that order, exactly as
     * {@link SeqRecModel#score}.
     */
    @Override
    public void scoreAll(List<EvalCase> cases, float[][] out) {
        int n = cases.size();
        int d = model.dim;
        History hist = new History(model.maxHistory);
        SeqRecModel.Workspace ws = new SeqRecModel.Workspace(model);
        float[] users = new float[d * n];
        for (int b = 0; b < n; b++) {
            EvalCase c = cases.get(b);
            hist.fill(c.history(), c.scoringTime(), model.vocabulary, model.ageBoundaries);
            model.encode(hist, ws);
            for (int k = 0; k < d; k++) {
                users[k * n + b] = ws.u[k];
            }
        }
        float[] acc = new float[n];
        float[] itemOut = model.itemOut;
        for (int r = 0; r < catalogue.size(); r++) {
            int item = r + 1;
            java.util.Arrays.fill(acc, model.itemBias[item]);
            int off = item * d;
            for (int k = 0; k < d; k++) {
                float w = itemOut[off + k];
                int base = k * n;
                for (int b = 0; b < n; b++) {
                    acc[b] += users[base + b] * w;
                }
            }
            for (int b = 0; b < n; b++) {
                out[b][r] = acc[b];
            }
        }
    }
}
