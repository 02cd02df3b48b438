package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;

/**
 * Manual harness (not a test): a multiplicative reading of directed co-occurrence, from counts alone,
 * {@code s(i) = Σ_j (1-h)^j log P(i | a_j) - β (Σ_j (1-h)^j - 1) log pop(i)} with
 * {@code P(i | a) = (n(a → i within 5) + α pop(i)) / (n(a →) + α)}: a naive-Bayes posterior over the next item that,
 * unlike the hybrid's sums, is sharp when several recent events agree (trainer README, "The shoppers' ceiling").
 * h, α, β chosen on the validation split, then counted on all training data and measured on the test split.
 * Arguments: dataset.
 */
public final class SessionBayesExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        Evaluator evaluator = new Evaluator();
        double[] best = null;
        double bestNdcg = -1;
        for (double h : new double[] {0.15, 0.25, 0.35, 0.5}) {
            for (double alpha : new double[] {1, 5, 20}) {
                for (double beta : new double[] {0, 1}) {
                    Metrics m = evaluator.evaluate(scorer(splits.selection().train(), splits.catalogue(), h, alpha, beta),
                            splits.selection().holdout());
                    System.out.printf(Locale.ROOT, "validation h %.2f alpha %.0f beta %.0f: NDCG@10 %.4f HR@20 %.4f%n", h, alpha,
                            beta, m.fullNdcgAt10(), m.fullHrAt20());
                    if (m.fullNdcgAt10() > bestNdcg) {
                        bestNdcg = m.fullNdcgAt10();
                        best = new double[] {h, alpha, beta};
                    }
                }
            }
        }
        Metrics test = evaluator.evaluate(scorer(splits.train(), splits.catalogue(), best[0], best[1], best[2]),
                splits.test().holdout());
        System.out.printf(Locale.ROOT, "test (h %.2f alpha %.0f beta %.0f): HR@10 %.4f NDCG@10 %.4f HR@20 %.4f NDCG@20 %.4f%n",
                best[0], best[1], best[2], test.fullHrAt10(), test.fullNdcgAt10(), test.fullHrAt20(), test.fullNdcgAt20());
    }

    static DenseScorer scorer(EventLog train, Catalogue catalogue, double h, double alpha, double beta) {
        TrainingRows rows = new TrainingRows(train, catalogue);
        int n = catalogue.size();
        double[][] count = new double[n][n];
        double[] out = new double[n];
        long total = 0;
        for (int[] seq : rows.sequences) {
            total += seq.length;
            for (int p = 0; p < seq.length; p++) {
                for (int q = p + 1; q <= Math.min(seq.length - 1, p + 5); q++) {
                    if (seq[q] != seq[p]) {
                        count[seq[p]][seq[q]]++;
                        out[seq[p]]++;
                    }
                }
            }
        }
        double[] pop = new double[n];
        double[] logPop = new double[n];
        for (int i = 0; i < n; i++) {
            pop[i] = (rows.events[i] + 1.0) / (total + n);
            logPop[i] = Math.log(pop[i]);
        }
        return DenseScorer.perCase("session-bayes", catalogue, (c, scores) -> {
            double[] sum = new double[n];
            double w = 1;
            double sumW = 0;
            for (int a : rows.recent(c, 30)) {
                if (a >= 0) {
                    double[] counts = count[a];
                    double norm = Math.log(out[a] + alpha);
                    for (int i = 0; i < n; i++) {
                        sum[i] += w * (Math.log(counts[i] + alpha * pop[i]) - norm);
                    }
                    sumW += w;
                }
                w *= 1 - h;
            }
            for (int i = 0; i < n; i++) {
                scores[i] = (float) (sum[i] - beta * (sumW - 1) * logPop[i] + (sumW == 0 ? logPop[i] : 0));
            }
        });
    }
}
