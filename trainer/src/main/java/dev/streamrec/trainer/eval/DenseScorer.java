package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.model.ModelContract;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;

/**
 * A scorer that fills a score for every row of its catalogue: the evaluator's fast, exact path
 * (above/tie counts over the whole vector, batches in parallel). Candidate scores and top-k lists
 * follow from {@link #scoreAll}.
 */
public interface DenseScorer extends Scorer {

    /** A scorer from a function that fills one case's scores, {@code score(case, out)} (harnesses and experiments). */
    static DenseScorer perCase(String name, Catalogue catalogue, java.util.function.BiConsumer<EvalCase, float[]> score) {
        return new DenseScorer() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Catalogue catalogue() {
                return catalogue;
            }

            @Override
            public void scoreAll(List<EvalCase> cases, float[][] out) {
                for (int b = 0; b < cases.size(); b++) {
                    score.accept(cases.get(b), out[b]);
                }
            }
        };
    }

    /** The rows of {@link #scoreAll}'s vectors. */
    Catalogue catalogue();

    /**
     * {@code out[b][row]} := score of catalogue row {@code row} for case {@code b} (every entry must
     * be written; {@code out[b].length == catalogue().size()}). Called from several threads at once,
     * on different {@code out} arrays, unless {@link #parallel()} is false.
     */
    void scoreAll(List<EvalCase> cases, float[][] out);

    /** An item is known when it has a row. */
    @Override
    default boolean knows(String itemId) {
        return catalogue().row(itemId) >= 0;
    }

    /** False when {@link #scoreAll} must not run concurrently (e.g. it owns a native session). */
    default boolean parallel() {
        return true;
    }

    @Override
    default float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
        Catalogue catalogue = catalogue();
        float[][] all = new float[cases.size()][catalogue.size()];
        scoreAll(cases, all);
        float[][] out = new float[cases.size()][];
        for (int b = 0; b < cases.size(); b++) {
            List<String> row = candidates.get(b);
            out[b] = new float[row.size()];
            for (int c = 0; c < row.size(); c++) {
                int r = catalogue.row(row.get(c));
                out[b][c] = r < 0 ? ModelContract.UNKNOWN_ITEM_SCORE : all[b][r];
            }
        }
        return out;
    }

    @Override
    default List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
        Catalogue catalogue = catalogue();
        float[][] all = new float[cases.size()][catalogue.size()];
        scoreAll(cases, all);
        List<List<Ranked>> out = new ArrayList<>(cases.size());
        for (int b = 0; b < cases.size(); b++) {
            for (String id : exclude.get(b)) {
                int r = catalogue.row(id);
                if (r >= 0) {
                    all[b][r] = Float.NaN;
                }
            }
            int[] rows = TopK.rows(all[b], k);
            List<Ranked> list = new ArrayList<>(rows.length);
            for (int r : rows) {
                list.add(new Ranked(catalogue.id(r), all[b][r]));
            }
            out.add(list);
        }
        return out;
    }
}
