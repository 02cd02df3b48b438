package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;

/**
 * Manual harness (not a test): the shoppers' oracle with the clusters learned instead of known. Items are clustered
 * by spherical k-means on their co-occurrence rows (i and a within 5 events, either side); a topic's law is
 * {@code P(i | t) = (1 - ε) · pop_t(i) + ε · pop(i)}; the session's topic is read as a likelihood over the last events,
 * the j-th back weighted (1 - h)^j, times the user's own topic frequencies, and with chance h a new session draws
 * from those frequencies alone. Scores {@code Σ_t post(t) · P(i | t)}. K, h, ε chosen on validation, then counted on
 * all training data and measured on the test split (trainer README, "The shoppers' ceiling"). Arguments: dataset.
 */
public final class SessionTopicExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        Evaluator evaluator = new Evaluator();
        double[] best = null;
        double bestNdcg = -1;
        for (int k : new int[] {10, 20, 40}) {
            Model model = Model.fit(splits.selection().train(), splits.catalogue(), k);
            for (double h : new double[] {0.15, 0.25, 0.35, 0.5}) {
                for (double eps : new double[] {0.05, 0.15, 0.3}) {
                    Metrics m = evaluator.evaluate(model.scorer(h, eps), splits.selection().holdout());
                    System.out.printf(Locale.ROOT, "validation K %d h %.2f eps %.2f: NDCG@10 %.4f HR@20 %.4f%n", k, h, eps,
                            m.fullNdcgAt10(), m.fullHrAt20());
                    if (m.fullNdcgAt10() > bestNdcg) {
                        bestNdcg = m.fullNdcgAt10();
                        best = new double[] {k, h, eps};
                    }
                }
            }
        }
        Model model = Model.fit(splits.train(), splits.catalogue(), (int) best[0]);
        if (splits.catalogue().id(0).startsWith("item-")) {
            // on ShopperCsv files: how well the topics recover the simulator's clusters (item number mod 20)
            int[][] joint = new int[model.k()][20];
            for (int i = 0; i < model.topic().length; i++) {
                joint[model.topic()[i]][Integer.parseInt(splits.catalogue().id(i).substring(5)) % 20]++;
            }
            int agree = 0;
            for (int[] row : joint) {
                agree += java.util.Arrays.stream(row).max().orElse(0);
            }
            System.out.printf(Locale.ROOT, "topic purity against the simulator's clusters: %.3f%n", (double) agree / model.topic().length);
        }
        Metrics test = evaluator.evaluate(model.scorer(best[1], best[2]), splits.test().holdout());
        System.out.printf(Locale.ROOT, "test (K %d h %.2f eps %.2f): HR@10 %.4f NDCG@10 %.4f HR@20 %.4f NDCG@20 %.4f%n",
                (int) best[0], best[1], best[2], test.fullHrAt10(), test.fullNdcgAt10(), test.fullHrAt20(), test.fullNdcgAt20());
    }

    record Model(TrainingRows rows, int k, int[] topic, double[] pop, double[][] popInTopic) {

        static Model fit(EventLog train, Catalogue catalogue, int k) {
            TrainingRows rows = new TrainingRows(train, catalogue);
            int n = catalogue.size();
            double[][] vec = new double[n][n];
            long total = 0;
            for (int[] seq : rows.sequences) {
                total += seq.length;
                for (int p = 0; p < seq.length; p++) {
                    for (int q = Math.max(0, p - 5); q <= Math.min(seq.length - 1, p + 5); q++) {
                        if (seq[q] != seq[p]) {
                            vec[seq[p]][seq[q]]++;
                        }
                    }
                }
            }
            for (double[] v : vec) {
                normalise(v);
            }
            // spherical k-means, k-means++-like seeding from a fixed seed
            SplittableRandom random = new SplittableRandom(7);
            double[][] centre = new double[k][];
            for (int t = 0; t < k; t++) {
                centre[t] = vec[random.nextInt(n)].clone();
            }
            int[] topic = new int[n];
            if (Boolean.getBoolean("trueClusters")) {
                // diagnosis only: the simulator's own clusters (item number mod 20) in place of the learned topics
                for (int i = 0; i < n; i++) {
                    topic[i] = Integer.parseInt(catalogue.id(i).substring(5)) % k;
                }
            }
            for (int it = 0; it < (Boolean.getBoolean("trueClusters") ? 0 : 30); it++) {
                for (int i = 0; i < n; i++) {
                    double bestDot = Double.NEGATIVE_INFINITY;
                    for (int t = 0; t < k; t++) {
                        double d = dot(vec[i], centre[t]);
                        if (d > bestDot) {
                            bestDot = d;
                            topic[i] = t;
                        }
                    }
                }
                for (int t = 0; t < k; t++) {
                    java.util.Arrays.fill(centre[t], 0);
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        centre[topic[i]][j] += vec[i][j];
                    }
                }
                for (int t = 0; t < k; t++) {
                    normalise(centre[t]);
                }
            }
            double[] pop = new double[n];
            double[][] popInTopic = new double[k][n];
            double[] topicTotal = new double[k];
            for (int i = 0; i < n; i++) {
                pop[i] = (rows.events[i] + 1.0) / (total + n);
                popInTopic[topic[i]][i] = rows.events[i] + 1.0;
                topicTotal[topic[i]] += rows.events[i] + 1.0;
            }
            for (int i = 0; i < n; i++) {
                popInTopic[topic[i]][i] /= topicTotal[topic[i]];
            }
            return new Model(rows, k, topic, pop, popInTopic);
        }

        DenseScorer scorer(double h, double eps) {
            int n = pop.length;
            Catalogue catalogue = rows.catalogue;
            return DenseScorer.perCase("session-topic", catalogue, (c, out) -> {
                int[] all = rows.recent(c, Integer.MAX_VALUE);
                double[] prior = new double[k];
                java.util.Arrays.fill(prior, 1.0 / k);
                for (int a : all) {
                    if (a >= 0) {
                        prior[topic[a]] += 1;
                    }
                }
                double sum = 0;
                for (double p : prior) {
                    sum += p;
                }
                double[] log = new double[k];
                for (int t = 0; t < k; t++) {
                    prior[t] /= sum;
                    log[t] = Math.log(prior[t]);
                }
                double w = 1;
                for (int j = 0; j < all.length && w > 1e-3; j++) {
                    int a = all[j];
                    if (a >= 0) {
                        for (int t = 0; t < k; t++) {
                            log[t] += w * Math.log((1 - eps) * popInTopic[t][a] + eps * pop[a]);
                        }
                    }
                    w *= 1 - h;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (double l : log) {
                    max = Math.max(max, l);
                }
                double[] post = new double[k];
                double z = 0;
                for (int t = 0; t < k; t++) {
                    post[t] = Math.exp(log[t] - max);
                    z += post[t];
                }
                for (int t = 0; t < k; t++) {
                    post[t] = (1 - h) * post[t] / z + h * prior[t];
                }
                for (int i = 0; i < n; i++) {
                    out[i] = (float) ((1 - eps) * post[topic[i]] * popInTopic[topic[i]][i] + eps * pop[i]);
                }
            });
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }

        private static void normalise(double[] v) {
            double s = Math.sqrt(dot(v, v));
            if (s > 0) {
                for (int i = 0; i < v.length; i++) {
                    v[i] /= s;
                }
            }
        }
    }
}
