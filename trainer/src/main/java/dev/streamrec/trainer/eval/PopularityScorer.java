package dev.streamrec.trainer.eval;

import java.util.List;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;

/** Baseline (a): an item's score is its number of training events, whoever the user is. */
public final class PopularityScorer implements DenseScorer {

    private final TrainingRows rows;
    private final float[] scores;

    public PopularityScorer(EventLog train, Catalogue catalogue) {
        rows = new TrainingRows(train, catalogue);
        scores = new float[catalogue.size()];
        for (int r = 0; r < scores.length; r++) {
            scores[r] = rows.events[r];
        }
    }

    /** Over the training items only. */
    public PopularityScorer(EventLog train) {
        this(train, Catalogue.of(train));
    }

    @Override
    public String name() {
        return "popularity";
    }

    @Override
    public Catalogue catalogue() {
        return rows.catalogue;
    }

    @Override
    public boolean knows(String itemId) {
        return rows.knows(itemId);
    }

    @Override
    public void scoreAll(List<EvalCase> cases, float[][] out) {
        for (int b = 0; b < cases.size(); b++) {
            System.arraycopy(scores, 0, out[b], 0, scores.length);
        }
    }
}
