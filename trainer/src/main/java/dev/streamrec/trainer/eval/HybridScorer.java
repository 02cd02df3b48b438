package dev.streamrec.trainer.eval;

import java.util.List;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.HybridModel;

/**
 * The hybrid model in Java: the pooling model's scores ({@link ModelScorer}) plus the co-occurrence
 * signal. Used to choose the signal's weight on validation; reported test metrics come from the
 * exported graph ({@link OnnxScorer}).
 */
public final class HybridScorer implements DenseScorer {

    private final HybridModel model;
    private final ModelScorer base;

    public HybridScorer(HybridModel model) {
        this.model = model;
        this.base = new ModelScorer(model.base());
    }

    @Override
    public String name() {
        return "hybrid-java";
    }

    @Override
    public Catalogue catalogue() {
        return base.catalogue();
    }

    @Override
    public boolean knows(String itemId) {
        return base.knows(itemId);
    }

    @Override
    public void scoreAll(List<EvalCase> cases, float[][] out) {
        base.scoreAll(cases, out);
        int rows = model.vocabulary().rows();
        History hist = new History(model.maxHistory());
        for (int b = 0; b < cases.size(); b++) {
            EvalCase c = cases.get(b);
            hist.fill(c.history(), c.scoringTime(), model.vocabulary(), model.ageBoundaries());
            float[] signal = model.signal(hist, rows);
            float[] s = out[b];
            for (int r = 0; r < s.length; r++) {
                s[r] += signal[r + 1];
            }
        }
    }
}
