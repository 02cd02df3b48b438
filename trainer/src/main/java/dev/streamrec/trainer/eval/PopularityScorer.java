package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;

/** Baseline: an item's score is how many training events it has, whoever the user is. */
public final class PopularityScorer implements Scorer {

    private final ItemIndex index;
    private final float[] scores;

    public PopularityScorer(EventLog train) {
        index = new ItemIndex(train);
        scores = new float[index.size()];
        for (int r = 1; r < scores.length; r++) {
            scores[r] = index.counts[r];
        }
    }

    @Override
    public String name() {
        return "popularity";
    }

    @Override
    public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
        float[][] out = new float[cases.size()][];
        for (int b = 0; b < cases.size(); b++) {
            List<String> row = candidates.get(b);
            out[b] = new float[row.size()];
            for (int c = 0; c < row.size(); c++) {
                out[b][c] = scores[index.row(row.get(c))];
            }
        }
        return out;
    }

    @Override
    public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
        List<List<Ranked>> out = new ArrayList<>(cases.size());
        for (int b = 0; b < cases.size(); b++) {
            Set<Integer> ex = TopK.rows(exclude.get(b), index::row);
            out.add(TopK.of(scores, index.ids::get, ex::contains, k));
        }
        return out;
    }
}
