package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.train.TrainingSettings;

/**
 * Manual experiment (not a test): would the events' session ids help a learned scorer on the simulated shoppers?
 * The {@code ShopperCsv} file has no session column, so the simulator is replayed (as {@code ShopperOracle} does) to
 * learn each event's session. Scores {@code s(all history) + beta * s(the latest event's session only)} for the hybrid
 * (trained as {@code evaluate} trains it, scored in Java) and for {@code item_knn}; beta chosen on validation NDCG@10,
 * test metrics by the evaluator (history exclusion always over the whole history). Arguments: file [seed].
 */
public final class SessionContextExperiment {

    private static final double[] BETAS = {0, 0.25, 0.5, 1, 2, 4, 1000};

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1L;
        Map<Long, String> sessionAt = new HashMap<>();
        for (UserEvent e : Fixtures.events(2_000, 1_000, 100_000, 42L)) {
            sessionAt.put(e.getTimestamp(), e.getSessionId().toString());
        }
        Evaluator evaluator = new Evaluator();
        TrainingSettings ts = TrainingSettings.defaults().withSeed(seed);

        // Validation: fitted on the selection split's training part; test: refit on all training data.
        JavaHybrid hybrid = JavaHybrid.fit(splits, TrainingSettings.defaults().withSeed(seed), evaluator);
        double betaHybrid = choose("hybrid", hybrid.validation(), splits.selection().holdout(), sessionAt, evaluator);
        double betaKnn = choose("item_knn", itemKnn(splits, true), splits.selection().holdout(), sessionAt, evaluator);

        DenseScorer hybridT = hybrid.test();
        DenseScorer knnT = itemKnn(splits, false);
        for (double beta : new double[] {0, betaHybrid}) {
            report("hybrid", beta, evaluator.evaluate(withSession(hybridT, sessionAt, beta), splits.test().holdout()));
        }
        for (double beta : new double[] {0, betaKnn}) {
            report("item_knn", beta, evaluator.evaluate(withSession(knnT, sessionAt, beta), splits.test().holdout()));
        }
    }

    private static DenseScorer itemKnn(Splits splits, boolean selection) {
        return (DenseScorer) Baselines.ALL.stream().filter(b -> b.name().equals("item_knn")).findFirst().orElseThrow()
                .fit(selection ? splits.selection().train() : splits.train(), splits.catalogue(), Selection.NONE);
    }

    private static double choose(String name, DenseScorer base, List<EvalCase> cases, Map<Long, String> sessionAt,
                                 Evaluator evaluator) {
        double best = 0;
        double bestNdcg = -1;
        for (double beta : BETAS) {
            Metrics m = evaluator.evaluate(withSession(base, sessionAt, beta), cases);
            System.out.printf(Locale.ROOT, "VALID %s beta %.2f: HR@20 %.4f NDCG@10 %.4f%n", name, beta, m.fullHrAt20(),
                    m.fullNdcgAt10());
            if (m.fullNdcgAt10() > bestNdcg) {
                bestNdcg = m.fullNdcgAt10();
                best = beta;
            }
        }
        return best;
    }

    private static void report(String name, double beta, Metrics m) {
        System.out.printf(Locale.ROOT, "RESULT %s beta %.2f: test HR@10 %.4f NDCG@10 %.4f HR@20 %.4f%n", name, beta,
                m.fullHrAt10(), m.fullNdcgAt10(), m.fullHrAt20());
    }

    /** {@code base(case) + beta * base(case with only the latest event's session in its history)}. */
    private static DenseScorer withSession(DenseScorer base, Map<Long, String> sessionAt, double beta) {
        return new DenseScorer() {
            @Override
            public String name() {
                return base.name() + "+session";
            }

            @Override
            public Catalogue catalogue() {
                return base.catalogue();
            }

            @Override
            public boolean parallel() {
                return base.parallel();
            }

            @Override
            public void scoreAll(List<EvalCase> cases, float[][] out) {
                base.scoreAll(cases, out);
                if (beta == 0) {
                    return;
                }
                List<EvalCase> sessions = new ArrayList<>(cases.size());
                for (EvalCase c : cases) {
                    List<HistoryEvent> h = c.history();
                    String last = h.isEmpty() ? null : sessionAt.get(h.getLast().timestamp());
                    List<HistoryEvent> in = h.stream().filter(e -> sessionAt.get(e.timestamp()).equals(last)).toList();
                    sessions.add(new EvalCase(c.userId(), in, c.target(), c.timestamp(), c.negatives()));
                }
                float[][] s = new float[out.length][out[0].length];
                base.scoreAll(sessions, s);
                double a = beta >= 1000 ? 0 : 1;
                double b = beta >= 1000 ? 1 : beta;
                for (int i = 0; i < out.length; i++) {
                    for (int j = 0; j < out[i].length; j++) {
                        out[i][j] = (float) (a * out[i][j] + b * s[i][j]);
                    }
                }
            }
        };
    }
}
