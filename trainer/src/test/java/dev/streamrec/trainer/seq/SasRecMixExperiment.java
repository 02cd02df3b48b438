package dev.streamrec.trainer.seq;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.eval.Baselines;
import dev.streamrec.trainer.eval.DenseScorer;
import dev.streamrec.trainer.eval.Evaluator;
import dev.streamrec.trainer.eval.JavaHybrid;
import dev.streamrec.trainer.eval.Metrics;
import dev.streamrec.trainer.eval.Selection;
import dev.streamrec.trainer.train.TrainingSettings;

/**
 * Manual experiment (not a test): does an item-to-item baseline add to the self-attention model? Scores
 * {@code log softmax(sasrec) + w * log(1 + baseline)} (the hybrid, {@link JavaHybrid}: {@code + w * log softmax(hybrid)}),
 * w chosen on the validation split, the test metrics by the evaluator. Arguments: dataset, baseline name, then {@link SasRecExperiment}'s key/value pairs.
 */
public final class SasRecMixExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        String baseline = args[1];
        SasRecSettings s = SasRecSettings.defaults().withThreads(1).withSchedule(60, 5, 0, false)
                .withOptimiser(0.1f, 0.002f, 128);
        for (int i = 2; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            s = switch (args[i]) {
                case "dropout" -> s.withOptimiser(Float.parseFloat(v), s.learningRate(), s.batchSize());
                case "seed" -> s.withSeed(Long.parseLong(v));
                case "dim" -> s.withShape(Integer.parseInt(v), s.maxLen(), s.blocks());
                case "len" -> s.withShape(s.dim(), Integer.parseInt(v), s.blocks());
                default -> throw new IllegalArgumentException(args[i]);
            };
        }
        Evaluator evaluator = new Evaluator();
        boolean hybrid = baseline.equals("hybrid");
        JavaHybrid hybrids = hybrid ? JavaHybrid.fit(splits, TrainingSettings.defaults().withThreads(1), evaluator) : null;
        // Validation: both fitted on the selection split's training part.
        double[] ws = {0, 0.25, 0.5, 1, 2, 4, 8};
        double bestW = 0;
        double bestNdcg = -1;
        {
            EventLog train = splits.selection().train();
            SasRecTrainer.Result r = new SasRecTrainer(s).train(train, splits.selection());
            DenseScorer base = hybrid ? hybrids.validation() : baseline(baseline, train, splits);
            for (double w : ws) {
                Metrics m = evaluator.evaluate(mix(r.model(), base, hybrid, splits.catalogue(), w), splits.selection().holdout());
                System.out.printf(Locale.ROOT, "VALID w %.2f: HR@20 %.4f NDCG@10 %.4f%n", w, m.fullHrAt20(), m.fullNdcgAt10());
                if (m.fullNdcgAt10() > bestNdcg) {
                    bestNdcg = m.fullNdcgAt10();
                    bestW = w;
                }
            }
            s = s.withMaxEpochs(r.bestEpoch()).withSchedule(r.bestEpoch(), s.patience(), 0, false);
        }
        SasRecTrainer.Result r = new SasRecTrainer(s).train(splits.train(), null);
        DenseScorer base = hybrid ? hybrids.test() : baseline(baseline, splits.train(), splits);
        for (double w : new double[] {0, bestW}) {
            Metrics m = evaluator.evaluate(mix(r.model(), base, hybrid, splits.catalogue(), w), splits.test().holdout());
            System.out.printf(Locale.ROOT, "RESULT %s w %.2f (epochs %d): test HR@10 %.4f NDCG@10 %.4f HR@20 %.4f%n", baseline, w,
                    r.epochsRun(), m.fullHrAt10(), m.fullNdcgAt10(), m.fullHrAt20());
        }
        Metrics m = evaluator.evaluate(base, splits.test().holdout());
        System.out.printf(Locale.ROOT, "RESULT %s alone: test HR@10 %.4f NDCG@10 %.4f HR@20 %.4f%n", baseline,
                m.fullHrAt10(), m.fullNdcgAt10(), m.fullHrAt20());
    }

    private static DenseScorer baseline(String name, EventLog train, Splits splits) {
        return (DenseScorer) Baselines.ALL.stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow()
                .fit(train, splits.catalogue(), Selection.NONE);
    }

    /** {@code log Σ_{r >= from} exp(z[r])}. */
    private static double logSumExp(float[] z, int from) {
        double max = Double.NEGATIVE_INFINITY;
        for (int r = from; r < z.length; r++) {
            max = Math.max(max, z[r]);
        }
        double sum = 0;
        for (int r = from; r < z.length; r++) {
            sum += Math.exp(z[r] - max);
        }
        return max + Math.log(sum);
    }

    /** {@code base} is read as logits ({@code hybrid}: log softmax) or as counts ({@code log(1 + x)}). */
    private static DenseScorer mix(SasRecModel model, DenseScorer base, boolean hybrid, Catalogue catalogue, double w) {
        return new DenseScorer() {
            @Override
            public String name() {
                return "mix";
            }

            @Override
            public Catalogue catalogue() {
                return catalogue;
            }

            @Override
            public boolean parallel() {
                return false;
            }

            @Override
            public void scoreAll(List<EvalCase> cases, float[][] out) {
                List<List<HistoryEvent>> histories = cases.stream().map(EvalCase::history).toList();
                float[][] sas = SasRecTrainer.torchScores(model, histories, 1);
                base.scoreAll(cases, out);
                for (int b = 0; b < cases.size(); b++) {
                    float[] z = sas[b];
                    double lse = logSumExp(z, 1); // row 0 is padding
                    double baseLse = hybrid ? logSumExp(out[b], 0) : 0;
                    for (int row = 0; row < out[b].length; row++) {
                        int v = model.vocabulary.index(catalogue.id(row));
                        double lp = v == 0 ? -50 : z[v] - lse;
                        double other = hybrid ? out[b][row] - baseLse : Math.log1p(Math.max(0, out[b][row]));
                        out[b][row] = (float) (lp + w * other);
                    }
                }
            }
        };
    }
}
