package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.Splits;

/**
 * Manual harness (not a test): how well a scorer that KNOWS the simulator (item clusters, each user's two
 * clusters, the Zipf laws, the 0.85 loyalty) ranks the held-out items of a {@code ShopperCsv} file (defaults:
 * 2,000 users, 1,000 items, seed 42). Scores {@code P(i) = Σ_c post(c) · 0.85 · zipf_c(i) + 0.15 · zipf(i)},
 * {@code post(c) = s · [c = cluster of the latest item] + (1 - s) · taste(c)}, for several {@code s}: a
 * ceiling-like figure for what any learned scorer can reach on that data. Arguments: file.
 */
public final class ShopperOracle {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        ShopperSimulator.Settings settings = ShopperSimulator.Settings.defaults();
        ShopperSimulator sim = new ShopperSimulator(settings);
        Catalogue catalogue = splits.catalogue();
        int clusters = settings.clusters();
        double z = settings.zipfExponent();
        int n = catalogue.size();
        double[] inCluster = new double[n];
        double[] global = new double[n];
        int[] cluster = new int[n];
        double[] clusterSum = new double[clusters];
        double globalSum = 0;
        for (int i = 0; i < settings.items(); i++) {
            globalSum += 1.0 / Math.pow(i + 1, z);
            clusterSum[i % clusters] += 1.0 / Math.pow(i / clusters + 1, z);
        }
        for (int r = 0; r < n; r++) {
            int item = Integer.parseInt(catalogue.id(r).substring("item-".length()));
            cluster[r] = item % clusters;
            inCluster[r] = 1.0 / Math.pow(item / clusters + 1, z) / clusterSum[cluster[r]];
            global[r] = 1.0 / Math.pow(item + 1, z) / globalSum;
        }
        Evaluator evaluator = new Evaluator();
        for (long gapSeconds : new long[] {-1, 60, 300, 1800, 7200}) {
          for (double s : new double[] {0.0, 0.5, 0.7, 0.8, 0.9, 1.0}) {
            if (gapSeconds >= 0 && s != 0.9) {
                continue;
            }
            DenseScorer oracle = new DenseScorer() {
                @Override
                public String name() {
                    return "oracle";
                }

                @Override
                public Catalogue catalogue() {
                    return catalogue;
                }

                @Override
                public void scoreAll(List<EvalCase> cases, float[][] out) {
                    for (int b = 0; b < cases.size(); b++) {
                        EvalCase c = cases.get(b);
                        int[] taste = sim.tasteOf(c.userId());
                        double[] post = new double[clusters];
                        post[taste[0]] += (1 - s) * 0.7;
                        post[taste[1]] += (1 - s) * 0.3;
                        List<HistoryEvent> h = c.history();
                        if (!h.isEmpty()) {
                            HistoryEvent last = h.get(h.size() - 1);
                            double same = gapSeconds < 0 ? s : c.timestamp() - last.timestamp() <= gapSeconds * 1000 ? 1 : 0;
                            java.util.Arrays.fill(post, 0);
                            post[taste[0]] += (1 - same) * 0.7;
                            post[taste[1]] += (1 - same) * 0.3;
                            post[sim.clusterOf(last.itemId())] += same;
                        }
                        for (int r = 0; r < n; r++) {
                            out[b][r] = (float) (post[cluster[r]] * 0.85 * inCluster[r] + 0.15 * global[r]);
                        }
                    }
                }
            };
            Metrics m = evaluator.evaluate(oracle, splits.test().holdout());
            System.out.printf(Locale.ROOT, "gap %d s %.1f: HR@10 %.4f NDCG@10 %.4f HR@20 %.4f%n", gapSeconds, s, m.fullHrAt10(),
                    m.fullNdcgAt10(), m.fullHrAt20());
          }
        }
    }
}
