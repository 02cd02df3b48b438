package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.DenseEase;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.model.SeqRecModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the hybrid's item-to-item table on validation: a mixture of the {@link CoVisitations.Signal}s
 * with one coefficient each (their weight against the pooling model's score) and how many recent events
 * read it with which decay. Criterion: full-ranking NDCG@10 (history excluded) of up to
 * {@link #SELECTION_CASES} validation cases. Search: coordinate ascent from the pooling model alone, each
 * coefficient in turn over 0, 1, 2, 4, ... (doubling while it improves), {@link #ROUNDS} rounds, then the
 * history reading among {@link #READINGS}; then, when asked for ({@code trainer --ease}: on ML-100K it lifts
 * HR@20 from 1.165x to about 1.18x the best baseline, but its 50-event reading costs 4.5-8x the pooling
 * model per candidate call, beyond issue 10's 3x bound) and the catalogue is small enough to invert
 * ({@link Ease#MAX_ITEMS}), the long-history EASE table's coefficient for each ridge in
 * {@link #EASE_LAMBDAS} and reading in {@link #EASE_WINDOWS}, or instead ({@code trainer --ease-dense}) the dense
 * EASE term's ({@link #DENSE_EASE_LAMBDAS}, {@link #DENSE_EASE_WINDOWS}); last, every chosen coefficient is refined
 * between the doublings ({@link #REFINE_STEPS}). The pooling model's scores are computed once and cached, so a
 * try costs only the table's sparse signal and the ranking. The one rule for {@code evaluate},
 * {@code train} and the service.
 *
 * @param mix   the chosen mixture (all zero: the pooling model alone)
 * @param tried validation full NDCG@10 of every mixture tried, for reports
 */
public record HybridWeight(CoVisitations.Mix mix, Map<String, Object> tried) {

    private static final Logger LOG = LoggerFactory.getLogger(HybridWeight.class);

    /** Entries kept per item in the table. */
    public static final int NEIGHBOURS = 100;
    /** Largest coefficient tried. */
    static final double MAX_SCALE = 256;
    /** Validation cases used to choose (a stride sample when there are more). */
    static final int SELECTION_CASES = 5_000;
    /** Cached pooling scores at most (floats): fewer cases on a large catalogue. */
    static final long CACHE_FLOATS = 64L << 20;
    /** Coordinate-ascent rounds over the coefficients. */
    static final int ROUNDS = 2;
    /** History readings tried after the coefficients: {window, decay x 10}. */
    static final int[][] READINGS = {{5, 7}, {3, 5}, {10, 7}, {10, 8}};
    /**
     * The most history events a chosen table reads: it bounds the graph's neighbour gather
     * ({@code MAX_WINDOW x NEIGHBOURS} slots per user), which {@code bench-scorer} measures.
     */
    public static final int MAX_WINDOW = 10;
    /** The largest catalogue that gets an EASE table (its inversion's time and memory grow as items³ and items²). */
    public static final int EASE_MAX_ITEMS = Ease.MAX_ITEMS;
    /** Ridges tried for the EASE table (its weights shrink as lambda grows). */
    static final double[] EASE_LAMBDAS = {100, 300};
    /**
     * History events the EASE table reads, undecayed: the streams app's default history
     * ({@code streamrec.history.max-events} = 50), so what is measured is what the app serves. 200 events
     * measured a little better on ML-100K (HR@20 0.3432 against 0.3415, within noise) but cost 3.5-8x the
     * pooling model per candidate call (trainer README), beyond the 3x bound.
     */
    static final int[] EASE_WINDOWS = {50};
    /** The longest EASE reading: with {@link #EASE_NEIGHBOURS} it bounds the graph's second gather. */
    public static final int MAX_EASE_WINDOW = 50;
    /**
     * Entries kept per item in the EASE table: 50 events x 20 = 1,000 slots per user, the counting table's
     * widest gather; 100 neighbours measured the same on ML-100K (HR@20 0.3415 against 0.3404) at about twice
     * the serving cost (trainer README).
     */
    public static final int EASE_NEIGHBOURS = 20;

    /**
     * Ridges tried for the dense EASE term: on ML-100K seed 1 (validation, whole history) λ 50 / 100 / 200 / 400
     * gave NDCG@10 0.1576 / 0.1583 / 0.1566 / 0.1546 (trainer README), so steps of √2 around the peak; at the 50-event
     * default these five measured test HR@20 0.3521 against 0.3485 for {100, 200} (ML-100K, seeds 1-3; shoppers level;
     * trainer README, "Refining the mixture"), at about 1.5 s per ridge at 1,682 items.
     */
    static final double[] DENSE_EASE_LAMBDAS = {70, 100, 140, 200, 280};
    /** Readings tried for the dense EASE term (events, each distinct item once), up to the chosen maximum. */
    static final int[] DENSE_EASE_WINDOWS = {50, 200, 500};
    /**
     * The dense EASE term's default maximum reading ({@code --ease-dense}): on ML-100K (median 64 ratings per user,
     * 148 of 943 users above 200) a 200-event maximum measured HR@20 0.3641 and a 500-event one 0.3637 (means of seeds
     * 1-3, trainer README), and 500 events cost 1.5x more per call (the history's string encoding).
     */
    public static final int DEFAULT_DENSE_EASE_WINDOW = 200;

    /**
     * Rank of the dense EASE term's factors ({@link LowRank}): on ML-100K seed 1 (full dense matrix test HR@20 0.371,
     * NDCG@10 0.131) rank 64 / 128 / 256 kept 0.352 / 0.360 / 0.365 and 0.128 / 0.128 / 0.133 (trainer README).
     */
    public static final int DENSE_EASE_RANK = 256;

    /** The readings tried up to {@code max}: those of {@link #DENSE_EASE_WINDOWS} below it, and {@code max}. */
    static int[] denseEaseWindows(int max) {
        return java.util.stream.IntStream.concat(java.util.Arrays.stream(DENSE_EASE_WINDOWS).filter(w -> w < max),
                java.util.stream.IntStream.of(max)).toArray();
    }

    /**
     * @param model      the pooling model trained on {@code train} (the validation run's)
     * @param train      the validation run's training events (the tables are counted from them)
     * @param validation the validation cases
     */
    public static HybridWeight choose(SeqRecModel model, EventLog train, List<EvalCase> validation, Evaluator evaluator) {
        return choose(model, train, validation, evaluator, false);
    }

    /** As above; {@code ease}: also try the long-history EASE table (when the catalogue is small enough). */
    public static HybridWeight choose(SeqRecModel model, EventLog train, List<EvalCase> validation, Evaluator evaluator,
                                      boolean ease) {
        return choose(model, train, validation, evaluator, ease, 0);
    }

    /**
     * As above; {@code denseEase} &gt; 0: try the dense EASE term instead of the EASE table, read over at most that
     * many events ({@link #denseEaseWindows}), when the catalogue is small enough to invert.
     */
    public static HybridWeight choose(SeqRecModel model, EventLog train, List<EvalCase> validation, Evaluator evaluator,
                                      boolean ease, int denseEase) {
        int rows = model.vocabulary.rows();
        int max = (int) Math.max(1, Math.min(SELECTION_CASES, CACHE_FLOATS / rows));
        List<EvalCase> cases = sample(validation, max);
        CoVisitations.Mix zero = new CoVisitations.Mix(new double[CoVisitations.Signal.values().length],
                CoVisitations.WINDOW, CoVisitations.DECAY);
        Map<String, Object> tried = new LinkedHashMap<>();
        if (cases.isEmpty()) {
            return new HybridWeight(zero, tried);
        }
        Search search = new Search(model, new CoVisitations.Graphs(train, model.vocabulary), cases, evaluator, tried);
        CoVisitations.Mix best = zero;
        double bestNdcg = search.ndcg(zero);
        for (int round = 0; round < ROUNDS; round++) {
            CoVisitations.Mix start = best;
            for (CoVisitations.Signal s : CoVisitations.Signal.values()) {
                CoVisitations.Mix base = best;
                Choice doubled = doubling(search, c -> base.with(s, c), best, bestNdcg);
                best = doubled.mix();
                bestNdcg = doubled.ndcg();
                if (best.coefficient(s) != 0 && round > 0) {
                    CoVisitations.Mix without = best.with(s, 0);
                    double ndcg = search.ndcg(without);
                    if (ndcg > bestNdcg) {
                        bestNdcg = ndcg;
                        best = without;
                    }
                }
            }
            if (best.equals(start)) {
                break;
            }
        }
        if (!best.isZero()) {
            CoVisitations.Mix reading = best;
            for (int[] r : READINGS) {
                if (r[0] > model.maxHistory) {
                    continue;
                }
                CoVisitations.Mix m = reading.reading(r[0], r[1] / 10.0);
                double ndcg = search.ndcg(m);
                if (ndcg > bestNdcg) {
                    bestNdcg = ndcg;
                    best = m;
                }
            }
        }
        if (denseEase > 0 && search.graphs.easeFits()) {
            // The dense EASE term on top of the chosen counting table: each ridge and reading, its coefficient
            // doubling while it improves.
            CoVisitations.Mix counting = best;
            for (double lambda : DENSE_EASE_LAMBDAS) {
                for (int window : denseEaseWindows(denseEase)) {
                    Choice doubled = doubling(search, c -> counting.withDenseEase(c, lambda, window), best, bestNdcg);
                    best = doubled.mix();
                    bestNdcg = doubled.ndcg();
                }
            }
        } else if (ease && search.graphs.easeFits()) {
            // The long-history table on top of the chosen counting table: each ridge and reading, its
            // coefficient doubling while it improves.
            CoVisitations.Mix counting = best;
            for (double lambda : EASE_LAMBDAS) {
                for (int window : EASE_WINDOWS) {
                    Choice doubled = doubling(search, c -> counting.withEase(c, lambda, window), best, bestNdcg);
                    best = doubled.mix();
                    bestNdcg = doubled.ndcg();
                }
            }
        }
        Choice refined = refine(search, new Choice(best, bestNdcg));
        best = refined.mix();
        bestNdcg = refined.ndcg();
        LOG.info("hybrid: chose {} (validation full NDCG@10 {} on {} cases, {} mixtures tried)", best, bestNdcg,
                cases.size(), tried.size());
        return new HybridWeight(best, tried);
    }

    /** A mixture and its validation NDCG@10. */
    private record Choice(CoVisitations.Mix mix, double ndcg) {

        /** This choice, or {@code other} when it measures better. */
        Choice or(Search search, CoVisitations.Mix other) {
            double n = search.ndcg(other);
            return n > ndcg ? new Choice(other, n) : this;
        }
    }

    /**
     * Tries {@code mixture(c)} for c = 1, 2, 4, ... up to {@link #MAX_SCALE} while it improves on the previous
     * try; returns the better of {@code best} and the best try.
     */
    private static Choice doubling(Search search, java.util.function.DoubleFunction<CoVisitations.Mix> mixture,
                                   CoVisitations.Mix best, double bestNdcg) {
        double previous = Double.NEGATIVE_INFINITY;
        for (double c = 1; c <= MAX_SCALE; c *= 2) {
            CoVisitations.Mix m = mixture.apply(c);
            double ndcg = search.ndcg(m);
            if (ndcg > bestNdcg) {
                bestNdcg = ndcg;
                best = m;
            }
            if (ndcg <= previous) {
                break;
            }
            previous = ndcg;
        }
        return new Choice(best, bestNdcg);
    }

    /**
     * Factors the refinement tries on each chosen coefficient: the doubling search lands on powers of two, and the
     * EASE term, added last, changes what the counting coefficients should be. On ML-100K (seeds 1-3) this lifted
     * test HR@20 from 0.3443 to 0.3485 (trainer README, "Refining the mixture").
     */
    static final double[] REFINE_STEPS = {0.5, Math.sqrt(0.5), Math.sqrt(2), 2};

    /**
     * Every chosen coefficient (the EASE term's included), one at a time, times each of {@link #REFINE_STEPS}, the best
     * kept; up to {@link #ROUNDS} rounds, stopping when a round changes nothing.
     */
    private static Choice refine(Search search, Choice best) {
        for (int round = 0; round < ROUNDS; round++) {
            CoVisitations.Mix start = best.mix();
            for (CoVisitations.Signal s : CoVisitations.Signal.values()) {
                CoVisitations.Mix base = best.mix();
                if (base.coefficient(s) != 0) {
                    for (double f : REFINE_STEPS) {
                        best = best.or(search, base.with(s, step(base.coefficient(s), f)));
                    }
                }
            }
            CoVisitations.Mix base = best.mix();
            if (base.ease() != 0) {
                for (double f : REFINE_STEPS) {
                    best = best.or(search, base.withEaseCoefficient(step(base.ease(), f)));
                }
            }
            if (best.mix().equals(start)) {
                break;
            }
        }
        return best;
    }

    /**
     * {@code c × f} to 4 decimals, so that steps that return to a coefficient tried before (2.8284 × √0.5) give it
     * exactly: the search's cache then knows it, and reports show 2.0 rather than 1.99996.
     */
    static double step(double c, double f) {
        return Math.round(c * f * 1e4) / 1e4;
    }

    /** The final table, counted from {@code train} over the final model's vocabulary. */
    public HybridModel apply(SeqRecModel model, EventLog train) {
        CoVisitations.Graphs graphs = new CoVisitations.Graphs(train, model.vocabulary);
        return new HybridModel(model, graphs.table(mix, NEIGHBOURS), graphs.easeTable(mix, EASE_NEIGHBOURS),
                graphs.denseEase(mix));
    }

    /** Every k-th case, at most {@code max}. */
    static List<EvalCase> sample(List<EvalCase> cases, int max) {
        if (cases.size() <= max) {
            return cases;
        }
        List<EvalCase> out = new ArrayList<>(max);
        double step = cases.size() / (double) max;
        for (int i = 0; i < max; i++) {
            out.add(cases.get((int) (i * step)));
        }
        return out;
    }

    /** Scores mixtures on fixed cases with the pooling model's scores computed once. */
    private static final class Search {
        private final SeqRecModel model;
        private final CoVisitations.Graphs graphs;
        private final List<EvalCase> cases;
        private final Evaluator evaluator;
        private final Map<String, Object> tried;
        private final Map<EvalCase, float[]> base = new IdentityHashMap<>();
        private final Map<CoVisitations.Mix, Double> seen = new java.util.HashMap<>();
        private final Catalogue catalogue;

        Search(SeqRecModel model, CoVisitations.Graphs graphs, List<EvalCase> cases, Evaluator evaluator,
               Map<String, Object> tried) {
            this.model = model;
            this.graphs = graphs;
            this.cases = cases;
            this.evaluator = evaluator;
            this.tried = tried;
            ModelScorer scorer = new ModelScorer(model);
            this.catalogue = scorer.catalogue();
            for (int from = 0; from < cases.size(); from += 256) {
                List<EvalCase> part = cases.subList(from, Math.min(cases.size(), from + 256));
                float[][] out = new float[part.size()][catalogue.size()];
                scorer.scoreAll(part, out);
                for (int b = 0; b < part.size(); b++) {
                    base.put(part.get(b), out[b]);
                }
            }
        }

        double ndcg(CoVisitations.Mix mix) {
            Double known = seen.get(mix);
            if (known != null) {
                return known;
            }
            CoVisitation table = mix.countingIsZero() ? null : graphs.table(mix, NEIGHBOURS);
            Metrics m = evaluator.evaluate(new Cached(table, graphs.easeTable(mix, EASE_NEIGHBOURS), graphs.denseEase(mix)),
                    cases);
            tried.put(mix.toString(), Math.round(m.fullNdcgAt10() * 1e4) / 1e4);
            LOG.info("hybrid {}: validation full NDCG@10 {}, HR@20 {}", mix, m.fullNdcgAt10(), m.fullHrAt20());
            seen.put(mix, m.fullNdcgAt10());
            return m.fullNdcgAt10();
        }

        /** The hybrid's Java score from the cached pooling scores: the same sum as {@link HybridScorer}. */
        private final class Cached implements DenseScorer {
            private final CoVisitation table;
            private final CoVisitation longTerm;
            private final DenseEase dense;

            Cached(CoVisitation table, CoVisitation longTerm, DenseEase dense) {
                this.table = table;
                this.longTerm = longTerm;
                this.dense = dense;
            }

            @Override
            public String name() {
                return "hybrid-selection";
            }

            @Override
            public Catalogue catalogue() {
                return catalogue;
            }

            @Override
            public void scoreAll(List<EvalCase> part, float[][] out) {
                int rows = model.vocabulary.rows();
                History hist = new History(Math.max(Math.max(model.maxHistory, longTerm == null ? 0 : longTerm.window()),
                        dense == null ? 0 : dense.window));
                for (int b = 0; b < part.size(); b++) {
                    EvalCase c = part.get(b);
                    System.arraycopy(base.get(c), 0, out[b], 0, out[b].length);
                    if (table == null && longTerm == null && dense == null) {
                        continue;
                    }
                    hist.fill(c.history(), c.scoringTime(), model.vocabulary, model.ageBoundaries);
                    float[] signal = new float[rows];
                    if (table != null) {
                        table.addTo(hist, signal);
                    }
                    if (longTerm != null) {
                        longTerm.addTo(hist, signal);
                    }
                    if (dense != null) {
                        dense.addTo(hist, signal);
                    }
                    for (int r = 0; r < out[b].length; r++) {
                        out[b][r] += signal[r + 1];
                    }
                }
            }
        }
    }
}
