package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import dev.streamrec.console.ProgressBar;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EvalCase;

/**
 * The one evaluation protocol, for models and baselines alike.
 *
 * <p><b>Sampled</b> (He et al. 2017): the held-out item is ranked among the case's negatives;
 * rank = negatives scoring higher + half of those scoring equal (so a scorer that ties everything
 * gets the expected, not the best, rank). HR@10 = rank &lt; 10, NDCG@10 = 1/log2(rank + 2).
 *
 * <p><b>Full ranking</b>: the scorer's top 20 over the whole catalogue, minus every item already
 * in the user's history; the held-out item's rank is counted against that list's scores with the
 * same half-tie rule. Recall@20 = rank &lt; 20 (one relevant item per case), MRR@20 = 1/(rank + 1).
 * An unknown held-out item simply scores below everything and counts as a miss.
 */
public final class Evaluator {

    public static final int SAMPLED_CUTOFF = 10;
    public static final int FULL_CUTOFF = 20;

    private final int batchSize;

    public Evaluator(int batchSize) {
        this.batchSize = batchSize;
    }

    public Evaluator() {
        this(256);
    }

    public Metrics evaluate(Scorer scorer, List<EvalCase> cases) {
        return run(scorer, cases, true, null);
    }

    /** Only the sampled metrics (cheaper; what early stopping watches). */
    public Metrics evaluateSampled(Scorer scorer, List<EvalCase> cases) {
        return run(scorer, cases, false, null);
    }

    /** As {@link #evaluate}, with a progress bar. */
    public Metrics evaluate(Scorer scorer, List<EvalCase> cases, String label) {
        try (ProgressBar bar = new ProgressBar(label, cases.size())) {
            return run(scorer, cases, true, bar);
        }
    }

    private Metrics run(Scorer scorer, List<EvalCase> cases, boolean full, ProgressBar bar) {
        double hr = 0;
        double ndcg = 0;
        double recall = 0;
        double mrr = 0;
        for (int from = 0; from < cases.size(); from += batchSize) {
            List<EvalCase> batch = cases.subList(from, Math.min(cases.size(), from + batchSize));
            List<List<String>> candidates = new ArrayList<>(batch.size());
            for (EvalCase c : batch) {
                List<String> row = new ArrayList<>(c.negatives().size() + 1);
                row.add(c.target());
                row.addAll(c.negatives());
                candidates.add(row);
            }
            float[][] scores = scorer.scoreCandidates(batch, candidates);
            for (float[] s : scores) {
                double rank = rank(s[0], s, 1, s.length);
                if (rank < SAMPLED_CUTOFF) {
                    hr += 1;
                    ndcg += 1 / log2(rank + 2);
                }
            }
            if (full) {
                List<List<String>> exclude = batch.stream().map(Evaluator::seenItems).toList();
                List<List<Scorer.Ranked>> top = scorer.topItems(batch, exclude, FULL_CUTOFF);
                for (int b = 0; b < batch.size(); b++) {
                    if (exclude.get(b).contains(batch.get(b).target())) {
                        continue; // a re-visit cannot be recommended by a list that excludes the history
                    }
                    double rank = fullRank(batch.get(b).target(), scores[b][0], top.get(b));
                    if (rank < FULL_CUTOFF) {
                        recall += 1;
                        mrr += 1 / (rank + 1);
                    }
                }
            }
            if (bar != null) {
                bar.step(batch.size());
            }
        }
        int n = Math.max(1, cases.size());
        return new Metrics(hr / n, ndcg / n, full ? recall / n : Double.NaN, full ? mrr / n : Double.NaN, cases.size());
    }

    /** Distinct items of a case's history: what full ranking leaves out. */
    public static List<String> seenItems(EvalCase c) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (HistoryEvent e : c.history()) {
            seen.add(e.itemId());
        }
        return List.copyOf(seen);
    }

    private static double rank(float target, float[] scores, int from, int to) {
        double r = 0;
        for (int i = from; i < to; i++) {
            if (scores[i] > target) {
                r += 1;
            } else if (scores[i] == target) {
                r += 0.5;
            }
        }
        return r;
    }

    private static double fullRank(String target, float targetScore, List<Scorer.Ranked> top) {
        double r = 0;
        boolean inList = false;
        for (Scorer.Ranked item : top) {
            if (item.itemId().equals(target)) {
                inList = true;
            } else if (item.score() > targetScore) {
                r += 1;
            } else if (item.score() == targetScore) {
                r += 0.5;
            }
        }
        // Not listed and not tied into the list: it ranks below all of it.
        return inList || r < top.size() ? r : FULL_CUTOFF;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
