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
 * {@code post(c) = s · [c = cluster of the latest item] + (1 - s) · taste(c)}, for several {@code s}; the same law
 * with {@code post(c)} the current session's cluster inferred from the history (a likelihood over the last events, the
 * j-th back weighted (1 - h)^j, times the taste prior; h the chance the held-out event opens a new session); and, as
 * a bound no scorer can beat in expectation, the law given the true cluster of the session that produced each held-out
 * event ({@link ShopperSimulator#lastSessionCluster}, from replaying the simulator). Arguments: file [events, default
 * 100000]; run with the classes of {@code common}, {@code trainer} (main and test) and the launcher's lib on the class
 * path.
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
        double sumOfGlobal = 0;
        for (int i = 0; i < settings.items(); i++) {
            sumOfGlobal += 1.0 / Math.pow(i + 1, z);
            clusterSum[i % clusters] += 1.0 / Math.pow(i / clusters + 1, z);
        }
        double globalSum = sumOfGlobal;
        for (int r = 0; r < n; r++) {
            int item = Integer.parseInt(catalogue.id(r).substring("item-".length()));
            cluster[r] = item % clusters;
            inCluster[r] = 1.0 / Math.pow(item / clusters + 1, z) / clusterSum[cluster[r]];
            global[r] = 1.0 / Math.pow(item + 1, z) / globalSum;
        }
        Evaluator evaluator = new Evaluator();

        // The bound: a scorer told the true cluster of the session that produced each held-out event, ranking by
        // that event's own law, 0.85 · zipf_c(i) + 0.15 · zipf(i), is the best any scorer can do in expectation
        // (the law is the event's, given c; history exclusion is the evaluator's). The file is regenerated as
        // ShopperCsv wrote it (same seed, events 20 s apart), so an event's timestamp names it.
        java.util.Map<Long, Integer> sessionCluster = new java.util.HashMap<>();
        java.util.Map<Long, String> userAt = new java.util.HashMap<>();
        ShopperSimulator replay = new ShopperSimulator(settings.withUsers(2_000).withItems(1_000).withSeed(42L));
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        for (int i = 0; i < events; i++) {
            long t = dev.streamrec.trainer.Fixtures.START + i * 20_000L;
            userAt.put(t, replay.next(t).getUserId().toString());
            sessionCluster.put(t, replay.lastSessionCluster());
        }
        List<EvalCase> test = splits.test().holdout();
        long matched = test.stream().filter(c -> c.userId().equals(userAt.get(c.timestamp()))).count();
        System.out.printf(Locale.ROOT, "known session cluster: %d of %d held-out events matched to the replay%n", matched,
                test.size());
        DenseScorer bound = new DenseScorer() {
            @Override
            public String name() {
                return "oracle-known-session";
            }

            @Override
            public Catalogue catalogue() {
                return catalogue;
            }

            @Override
            public void scoreAll(List<EvalCase> cases, float[][] out) {
                for (int b = 0; b < cases.size(); b++) {
                    int c = sessionCluster.getOrDefault(cases.get(b).timestamp(), -1);
                    for (int r = 0; r < n; r++) {
                        out[b][r] = (float) ((cluster[r] == c ? 0.85 * inCluster[r] : 0) + 0.15 * global[r]);
                    }
                }
            }
        };
        Metrics known = evaluator.evaluate(bound, test);
        System.out.printf(Locale.ROOT, "known session cluster: HR@10 %.4f NDCG@10 %.4f HR@20 %.4f%n", known.fullHrAt10(),
                known.fullNdcgAt10(), known.fullHrAt20());

        // Inferring the session's cluster from the history: the current session's likelihood over the last events,
        // each event weighted by the chance (1 - h)^j that it still belongs to the current session, times the taste
        // prior; with probability h the held-out event opens a new session (taste prior alone).
        for (double h : new double[] {0.08, 0.15, 0.25, 0.35, 0.5}) {
            double hazard = h;
            DenseScorer inferred = new DenseScorer() {
                @Override
                public String name() {
                    return "oracle-inferred-session";
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
                        double[] prior = new double[clusters];
                        prior[taste[0]] += 0.7;
                        prior[taste[1]] += 0.3;
                        double[] log = new double[clusters];
                        List<HistoryEvent> hist = c.history();
                        double w = 1;
                        for (int j = hist.size() - 1; j >= 0 && w > 1e-3; j--) {
                            int item = Integer.parseInt(hist.get(j).itemId().substring("item-".length()));
                            double g = 0.15 / Math.pow(item + 1, z) / globalSum;
                            double own = 0.85 / Math.pow(item / clusters + 1, z) / clusterSum[item % clusters];
                            for (int k = 0; k < clusters; k++) {
                                log[k] += w * Math.log((k == item % clusters ? own : 0) + g);
                            }
                            w *= 1 - hazard;
                        }
                        double max = Double.NEGATIVE_INFINITY;
                        for (int k = 0; k < clusters; k++) {
                            log[k] += Math.log(prior[k] + 1e-9);
                            max = Math.max(max, log[k]);
                        }
                        double sum = 0;
                        double[] post = new double[clusters];
                        for (int k = 0; k < clusters; k++) {
                            post[k] = Math.exp(log[k] - max);
                            sum += post[k];
                        }
                        for (int k = 0; k < clusters; k++) {
                            post[k] = (1 - hazard) * post[k] / sum + hazard * prior[k];
                        }
                        for (int r = 0; r < n; r++) {
                            out[b][r] = (float) (post[cluster[r]] * 0.85 * inCluster[r] + 0.15 * global[r]);
                        }
                    }
                }
            };
            Metrics m = evaluator.evaluate(inferred, test);
            System.out.printf(Locale.ROOT, "inferred session cluster, h %.2f: HR@10 %.4f NDCG@10 %.4f HR@20 %.4f%n", h,
                    m.fullHrAt10(), m.fullNdcgAt10(), m.fullHrAt20());
        }

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
