package dev.streamrec.trainer.eval;

import java.util.List;

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

    @Override
    public void scoreAll(List<EvalCase> cases, float[][] out) {
        History hist = new History(model.maxHistory);
        SeqRecModel.Workspace ws = new SeqRecModel.Workspace(model);
        for (int b = 0; b < cases.size(); b++) {
            EvalCase c = cases.get(b);
            hist.fill(c.history(), c.timestamp(), model.vocabulary, model.ageBoundaries);
            model.encode(hist, ws);
            float[] row = out[b];
            for (int r = 0; r < row.length; r++) {
                row[r] = model.score(ws.u, r + 1);
            }
        }
    }
}
