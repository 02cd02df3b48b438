package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;

/**
 * Manual harness (not a test) behind the hybrid model's settings: trains the pooling model on the
 * selection split once, then prints validation full NDCG@10 / HR@20 (a 5,000-case sample) for
 * co-occurrence tables of several spans, windows, decays and neighbour counts, each at its best weight.
 * Arguments: dataset [seed].
 */
public final class HybridExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        SeqRecModel base = new Trainer(TrainingSettings.defaults().withSeed(seed))
                .train(splits.selection().train(), splits.selection().holdout(), null).model();
        List<EvalCase> cases = HybridWeight.sample(splits.selection().holdout(), 5_000);
        Evaluator evaluator = new Evaluator();
        int[][] variants = {
                // symmetric, span, window, decay x10, neighbours
                {0, 5, 5, 7, 100}, {0, 5, 5, 7, 50}, {0, 5, 5, 7, 200}, {0, 5, 10, 7, 100}, {0, 5, 3, 7, 100},
                {0, 5, 5, 5, 100}, {0, 5, 5, 9, 100}, {0, 3, 5, 7, 100}, {0, 10, 5, 7, 100}, {0, 1, 5, 7, 100},
        };
        for (int[] v : variants) {
            CoVisitation table = CoVisitations.build(splits.selection().train(), base.vocabulary, v[0] == 1, v[4], 1.0,
                    v[1], v[2], v[3] / 10.0);
            double best = -1;
            double bestHr = 0;
            double bestScale = 0;
            for (double scale : new double[] {4, 8, 12, 16, 24, 32}) {
                Metrics m = evaluator.evaluate(new HybridScorer(new HybridModel(base, table.scaled(scale))), cases);
                if (m.fullNdcgAt10() > best) {
                    best = m.fullNdcgAt10();
                    bestHr = m.fullHrAt20();
                    bestScale = scale;
                }
            }
            System.out.printf(Locale.ROOT, "symmetric %d span %d window %d decay %.1f neighbours %d: weight %.0f "
                    + "NDCG@10 %.4f HR@20 %.4f%n", v[0], v[1], v[2], v[3] / 10.0, v[4], bestScale, best, bestHr);
        }
    }
}
