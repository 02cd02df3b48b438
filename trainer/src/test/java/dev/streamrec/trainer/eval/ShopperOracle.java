package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.Splits;

/**
 * Manual harness (not a test): how well a scorer that KNOWS the simulator (item clusters, each user's two
 * clusters, the Zipf laws, the 0.85 loyalty) ranks the held-out items of a {@code ShopperCsv} file (defaults:
 * 2,000 users, 1,000 items, seed 42). Scores {@code P(i) = Σ_c post(c) · 0.85 · zipf_c(i) + 0.15 · zipf(i)}, with
 * {@code post(c)}:
 * <ul>
 *   <li>the true cluster of the session that produced each held-out event ({@link ShopperSimulator#lastSessionCluster},
 *       from replaying the simulator): a bound no scorer can beat in expectation;</li>
 *   <li>the session ids known (the simulator's, which the file lacks): the cluster read from the latest event's session
 *       alone, with chance h that the held-out event starts a new one;</li>
 *   <li>the current session's cluster inferred from the history: a likelihood over the last events, the j-th back
 *       weighted (1 - h)^j, times the taste prior, and with chance h a new session (the taste prior alone);</li>
 *   <li>{@code s · [c = cluster of the latest item] + (1 - s) · taste(c)}, for several {@code s}, or with "same session"
 *       decided by the time gap to the latest event.</li>
 * </ul>
 * Arguments: file [events, default 100000]; run with the classes of {@code common}, {@code trainer} (main and test)
 * and the launcher's lib on the class path.
 */
public final class ShopperOracle {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        Laws laws = new Laws(ShopperSimulator.Settings.defaults(), splits.catalogue());
        ShopperSimulator sim = new ShopperSimulator(laws.settings);
        Evaluator evaluator = new Evaluator();
        List<EvalCase> test = splits.test().holdout();

        // The file is regenerated as ShopperCsv wrote it (same seed, events 20 s apart), so a timestamp names an event.
        Map<Long, Integer> sessionCluster = new HashMap<>();
        Map<Long, String> userAt = new HashMap<>();
        Map<Long, String> sessionAt = new HashMap<>();
        ShopperSimulator replay = new ShopperSimulator(laws.settings.withUsers(2_000).withItems(1_000).withSeed(42L));
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        for (int i = 0; i < events; i++) {
            long t = Fixtures.START + i * 20_000L;
            var e = replay.next(t);
            userAt.put(t, e.getUserId().toString());
            sessionAt.put(t, e.getSessionId().toString());
            sessionCluster.put(t, replay.lastSessionCluster());
        }
        long matched = test.stream().filter(c -> c.userId().equals(userAt.get(c.timestamp()))).count();
        System.out.printf(Locale.ROOT, "known session cluster: %d of %d held-out events matched to the replay%n", matched,
                test.size());
        report(evaluator, test, "known session cluster", DenseScorer.perCase("oracle-known-session", laws.catalogue, (c, out) -> {
            double[] post = new double[laws.clusters];
            Integer known = sessionCluster.get(c.timestamp());
            if (known != null) {
                post[known] = 1;
            }
            laws.score(post, out);
        }));

        long sameSession = test.stream().filter(c -> !c.history().isEmpty()
                && sessionAt.get(c.timestamp()).equals(sessionAt.get(c.history().getLast().timestamp()))).count();
        System.out.printf(Locale.ROOT, "target in the latest event's session: %d of %d%n", sameSession, test.size());
        for (double h : new double[] {0.0, 0.1, 0.2, 0.3, 0.5}) {
            report(evaluator, test, String.format(Locale.ROOT, "session ids known, h %.2f", h),
                    DenseScorer.perCase("oracle-session-ids", laws.catalogue, (c, out) -> {
                        List<HistoryEvent> hist = c.history();
                        List<HistoryEvent> inSession = hist.isEmpty() ? hist : hist.stream()
                                .filter(e -> sessionAt.get(e.timestamp()).equals(sessionAt.get(hist.getLast().timestamp())))
                                .toList();
                        EvalCase sc = new EvalCase(c.userId(), inSession, c.target(), c.timestamp(), c.negatives());
                        laws.score(laws.inferred(sc, sim.tasteOf(c.userId()), 0.0, h), out);
                    }));
        }
        for (double h : new double[] {0.08, 0.15, 0.25, 0.35, 0.5}) {
            report(evaluator, test, String.format(Locale.ROOT, "inferred session cluster, h %.2f", h),
                    DenseScorer.perCase("oracle-inferred-session", laws.catalogue,
                            (c, out) -> laws.score(laws.inferred(c, sim.tasteOf(c.userId()), h), out)));
        }

        for (long gapSeconds : new long[] {-1, 60, 300, 1800, 7200}) {
            for (double s : new double[] {0.0, 0.5, 0.7, 0.8, 0.9, 1.0}) {
                if (gapSeconds >= 0 && s != 0.9) {
                    continue;
                }
                report(evaluator, test, String.format(Locale.ROOT, "gap %d s %.1f", gapSeconds, s),
                        DenseScorer.perCase("oracle", laws.catalogue, (c, out) -> {
                            int[] taste = sim.tasteOf(c.userId());
                            double same = 0;
                            double[] post = new double[laws.clusters];
                            List<HistoryEvent> h = c.history();
                            if (h.isEmpty()) {
                                same = s;
                            } else {
                                HistoryEvent last = h.get(h.size() - 1);
                                same = gapSeconds < 0 ? s : c.timestamp() - last.timestamp() <= gapSeconds * 1000 ? 1 : 0;
                                post[sim.clusterOf(last.itemId())] += same;
                            }
                            post[taste[0]] += (1 - same) * 0.7;
                            post[taste[1]] += (1 - same) * 0.3;
                            laws.score(post, out);
                        }));
            }
        }
    }

    private static void report(Evaluator evaluator, List<EvalCase> cases, String label, DenseScorer scorer) {
        Metrics m = evaluator.evaluate(scorer, cases);
        System.out.printf(Locale.ROOT, "%s: HR@10 %.4f NDCG@10 %.4f HR@20 %.4f%n", label, m.fullHrAt10(), m.fullNdcgAt10(),
                m.fullHrAt20());
    }

    /** The simulator's laws over the catalogue's rows: each item's cluster, its Zipf weight there and overall. */
    private static final class Laws {
        final ShopperSimulator.Settings settings;
        final Catalogue catalogue;
        final int clusters;
        final int[] cluster;
        final double[] inCluster;
        final double[] global;
        private final double[] clusterSum;
        private final double globalSum;
        private final double z;

        Laws(ShopperSimulator.Settings settings, Catalogue catalogue) {
            this.settings = settings;
            this.catalogue = catalogue;
            clusters = settings.clusters();
            z = settings.zipfExponent();
            clusterSum = new double[clusters];
            double sum = 0;
            for (int i = 0; i < settings.items(); i++) {
                sum += zipf(i);
                clusterSum[i % clusters] += zipf(i / clusters);
            }
            globalSum = sum;
            int n = catalogue.size();
            cluster = new int[n];
            inCluster = new double[n];
            global = new double[n];
            for (int r = 0; r < n; r++) {
                int item = item(catalogue.id(r));
                cluster[r] = item % clusters;
                inCluster[r] = ownLaw(item);
                global[r] = globalLaw(item);
            }
        }

        double zipf(int rank) {
            return 1.0 / Math.pow(rank + 1, z);
        }

        double ownLaw(int item) {
            return zipf(item / clusters) / clusterSum[item % clusters];
        }

        double globalLaw(int item) {
            return zipf(item) / globalSum;
        }

        static int item(String id) {
            return Integer.parseInt(id.substring("item-".length()));
        }

        /** {@code out[r] = post(cluster r) · 0.85 · zipf_c(r) + 0.15 · zipf(r)}. */
        void score(double[] post, float[] out) {
            for (int r = 0; r < out.length; r++) {
                out[r] = (float) (post[cluster[r]] * 0.85 * inCluster[r] + 0.15 * global[r]);
            }
        }

        /** The current session's cluster from the history's likelihood, the j-th event back weighted (1 - h)^j. */
        double[] inferred(EvalCase c, int[] taste, double h) {
            return inferred(c, taste, h, h);
        }

        /** As above, with the weight decay {@code h} and the chance of a new session {@code fresh} apart. */
        double[] inferred(EvalCase c, int[] taste, double h, double fresh) {
            double[] prior = new double[clusters];
            prior[taste[0]] += 0.7;
            prior[taste[1]] += 0.3;
            double[] log = new double[clusters];
            List<HistoryEvent> hist = c.history();
            double w = 1;
            for (int j = hist.size() - 1; j >= 0 && w > 1e-3; j--) {
                int item = item(hist.get(j).itemId());
                double g = 0.15 * globalLaw(item);
                double own = 0.85 * ownLaw(item);
                for (int k = 0; k < clusters; k++) {
                    log[k] += w * Math.log((k == item % clusters ? own : 0) + g);
                }
                w *= 1 - h;
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
                post[k] = (1 - fresh) * post[k] / sum + fresh * prior[k];
            }
            return post;
        }
    }
}
