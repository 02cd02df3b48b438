package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.streamrec.onnx.HistoryEvent;
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
 * Manual harness (not a test) behind the EASE signal: trains the validation run's pooling model once,
 * then prints validation full NDCG@10 / HR@10 / HR@20 of EASE alone (whole history, dense), of the
 * chosen counting mixture plus dense EASE over the whole history, and of EASE inside the one table
 * (top 100, read by the table's window). Arguments: dataset [seed] [mixture as d,s,k,m,window,decay].
 */
public final class EaseExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        String[] mixArg = (args.length > 2 ? args[2] : "8,2,2,1,5,0.7").split(",");
        double[] coef = {Double.parseDouble(mixArg[0]), Double.parseDouble(mixArg[1]), Double.parseDouble(mixArg[2]),
                Double.parseDouble(mixArg[3])};
        CoVisitations.Mix mix = new CoVisitations.Mix(coef, Integer.parseInt(mixArg[4]), Double.parseDouble(mixArg[5]));
        long t0 = System.nanoTime();
        SeqRecModel base = new Trainer(TrainingSettings.defaults().withSeed(seed))
                .train(splits.selection().train(), splits.selection().holdout(), null).model();
        System.out.printf(Locale.ROOT, "trained in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        List<EvalCase> cases = HybridWeight.sample(splits.selection().holdout(), 5_000);
        Evaluator evaluator = new Evaluator();
        Map<EvalCase, float[]> cache = new IdentityHashMap<>();
        ModelScorer ms = new ModelScorer(base);
        Catalogue cat = ms.catalogue();
        int n = cat.size();
        for (int from = 0; from < cases.size(); from += 256) {
            List<EvalCase> part = cases.subList(from, Math.min(cases.size(), from + 256));
            float[][] out = new float[part.size()][n];
            ms.scoreAll(part, out);
            for (int b = 0; b < part.size(); b++) {
                cache.put(part.get(b), out[b]);
            }
        }
        CoVisitations.Graphs graphs = new CoVisitations.Graphs(splits.selection().train(), base.vocabulary);
        TrainingRows rows = new TrainingRows(splits.selection().train(), Catalogue.inOrder(base.vocabulary.ids()));
        CoVisitation counting = graphs.table(mix, 100);
        print("pooling + counting " + mix, evaluator.evaluate(new Dense(base, cat, cache, counting, null, 0, 0, 0), cases));
        double[] lambdas = args.length > 3 ? java.util.Arrays.stream(args[3].split(",")).mapToDouble(Double::parseDouble).toArray()
                : new double[] {100, 200};
        for (double lambda : lambdas) {
            t0 = System.nanoTime();
            double[][] b = Ease.weights(rows, lambda);
            System.out.printf(Locale.ROOT, "lambda %.0f: EASE in %.1f s%n", lambda, (System.nanoTime() - t0) / 1e9);
            ItemGraph g = Ease.graph(rows, lambda);
            for (int window : new int[] {50}) {
                for (double s : new double[] {4, 8}) {
                    print("  pooling + counting + " + s + " x dense EASE last " + window, evaluator.evaluate(
                            new Dense(base, cat, cache, counting, b, s, window, 1.0), cases));
                }
            }
            for (int k : new int[] {100, 400}) {
                for (int span : new int[] {50, 100}) {
                    for (double s : new double[] {4, 8, 16}) {
                        CoVisitation t = g.topNeighbours(k, CoVisitation.positionWeights(span, 1.0, s));
                        print("  pooling + counting + " + s + " x top-" + k + " EASE last " + span, evaluator.evaluate(
                                new Dense(base, cat, cache, counting, null, 0, 0, 0) {
                                    @Override
                                    void extra(EvalCase c, float[] out) {
                                        History h = new History(span);
                                        h.fill(c.history(), c.timestamp(), model.vocabulary, model.ageBoundaries);
                                        float[] sig = t.scores(h, model.vocabulary.rows());
                                        for (int r = 0; r < out.length; r++) {
                                            out[r] += sig[r + 1];
                                        }
                                    }
                                }, cases));
                    }
                }
            }
        }
    }

    private static void print(String label, Metrics m) {
        System.out.printf(Locale.ROOT, "%-70s NDCG@10 %.4f HR@10 %.4f HR@20 %.4f%n", label, m.fullNdcgAt10(),
                m.fullHrAt10(), m.fullHrAt20());
    }

    private static class Dense implements DenseScorer {
        final SeqRecModel model;
        final Catalogue catalogue;
        final Map<EvalCase, float[]> base;
        final CoVisitation table;
        final double[][] ease;
        final double scale;
        final int window;
        final double decay;

        Dense(SeqRecModel model, Catalogue catalogue, Map<EvalCase, float[]> base, CoVisitation table, double[][] ease,
              double scale, int window, double decay) {
            this.model = model;
            this.catalogue = catalogue;
            this.base = base;
            this.table = table;
            this.ease = ease;
            this.scale = scale;
            this.window = window;
            this.decay = decay;
        }

        void extra(EvalCase c, float[] out) {
        }

        boolean withBase() {
            return true;
        }

        @Override
        public String name() {
            return "dense";
        }

        @Override
        public Catalogue catalogue() {
            return catalogue;
        }

        @Override
        public void scoreAll(List<EvalCase> cases, float[][] out) {
            History hist = new History(model.maxHistory);
            int rows = model.vocabulary.rows();
            for (int b = 0; b < cases.size(); b++) {
                EvalCase c = cases.get(b);
                if (withBase()) {
                    System.arraycopy(base.get(c), 0, out[b], 0, out[b].length);
                } else {
                    java.util.Arrays.fill(out[b], 0f);
                }
                if (table != null) {
                    hist.fill(c.history(), c.timestamp(), model.vocabulary, model.ageBoundaries);
                    float[] signal = table.scores(hist, rows);
                    for (int r = 0; r < out[b].length; r++) {
                        out[b][r] += signal[r + 1];
                    }
                }
                extra(c, out[b]);
                if (ease != null) {
                    List<HistoryEvent> h = c.history();
                    java.util.Set<Integer> seen = new java.util.HashSet<>();
                    double w = scale;
                    for (int j = h.size() - 1, k = 0; j >= 0 && k < window; j--, k++) {
                        int a = catalogue.row(h.get(j).itemId());
                        if (a >= 0 && seen.add(a)) {
                            double[] ba = ease[a];
                            for (int r = 0; r < out[b].length; r++) {
                                out[b][r] += (float) (w * ba[r]);
                            }
                        }
                        w *= decay;
                    }
                }
            }
        }
    }
}
