package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;

/**
 * Manual harness (not a test): trains the pooling model on the selection split once, caches its
 * validation scores, then prints validation full NDCG@10 / HR@20 (5,000-case sample) of mixtures of
 * the item-to-item signals ({@link CoVisitations.Mix}). Arguments: dataset [seed].
 */
public final class MixExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        long t0 = System.nanoTime();
        SeqRecModel base = new Trainer(TrainingSettings.defaults().withSeed(seed))
                .train(splits.selection().train(), splits.selection().holdout(), null).model();
        System.out.printf(Locale.ROOT, "trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        List<EvalCase> cases = HybridWeight.sample(splits.selection().holdout(), 5_000);
        Evaluator evaluator = new Evaluator();
        Map<EvalCase, float[]> cache = new IdentityHashMap<>();
        ModelScorer ms = new ModelScorer(base);
        int n = ms.catalogue().size();
        for (int from = 0; from < cases.size(); from += 256) {
            List<EvalCase> part = cases.subList(from, Math.min(cases.size(), from + 256));
            float[][] out = new float[part.size()][n];
            ms.scoreAll(part, out);
            for (int b = 0; b < part.size(); b++) {
                cache.put(part.get(b), out[b]);
            }
        }
        t0 = System.nanoTime();
        CoVisitations.Graphs graphs = new CoVisitations.Graphs(splits.selection().train(), base.vocabulary);
        System.out.printf(Locale.ROOT, "graphs in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        double[] best = {Double.NEGATIVE_INFINITY};
        CoVisitations.Mix[] bestMix = {null};
        java.util.function.Function<CoVisitations.Mix, Double> eval = mix -> {
            CoVisitation table = graphs.table(mix, 100);
            Metrics m = evaluator.evaluate(new Cached(base, ms.catalogue(), cache, table), cases);
            System.out.printf(Locale.ROOT, "%-70s NDCG@10 %.4f HR@10 %.4f HR@20 %.4f%n", mix, m.fullNdcgAt10(),
                    m.fullHrAt10(), m.fullHrAt20());
            if (m.fullNdcgAt10() > best[0]) {
                best[0] = m.fullNdcgAt10();
                bestMix[0] = mix;
            }
            return m.fullNdcgAt10();
        };
        double[] grid = {0, 1, 2, 4, 8, 16, 32};
        for (CoVisitations.Signal s : CoVisitations.Signal.values()) {
            for (double g : grid) {
                if (g > 0) {
                    eval.apply(CoVisitations.Mix.only(s, g));
                }
            }
        }
        CoVisitations.Mix cur = bestMix[0];
        for (int round = 0; round < 2; round++) {
            for (CoVisitations.Signal s : CoVisitations.Signal.values()) {
                for (double g : grid) {
                    eval.apply(cur.with(s, g));
                }
                cur = bestMix[0];
            }
            for (int w : new int[] {3, 5, 10, 20}) {
                for (double d : new double[] {0.5, 0.7, 0.8, 0.9}) {
                    eval.apply(cur.reading(w, d));
                }
            }
            cur = bestMix[0];
            System.out.println("round " + round + " best " + cur + " " + best[0]);
        }
    }

    private record Cached(SeqRecModel model, Catalogue catalogue, Map<EvalCase, float[]> base, CoVisitation table)
            implements DenseScorer {
        @Override
        public String name() {
            return "cached";
        }

        @Override
        public void scoreAll(List<EvalCase> cases, float[][] out) {
            History hist = new History(model.maxHistory);
            int rows = model.vocabulary.rows();
            for (int b = 0; b < cases.size(); b++) {
                EvalCase c = cases.get(b);
                System.arraycopy(base.get(c), 0, out[b], 0, out[b].length);
                hist.fill(c.history(), c.timestamp(), model.vocabulary, model.ageBoundaries);
                float[] signal = table.scores(hist, rows);
                for (int r = 0; r < out[b].length; r++) {
                    out[b][r] += signal[r + 1];
                }
            }
        }
    }
}
