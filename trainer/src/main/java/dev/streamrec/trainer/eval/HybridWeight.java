package dev.streamrec.trainer.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.model.SeqRecModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the hybrid's co-occurrence table (directed or symmetric) and its weight against the pooling
 * model on validation: full-ranking NDCG@10 of up to {@link #SELECTION_CASES} validation cases, the
 * weight 0 (pooling alone), then 1, 2, 4, ... while it improves. The one rule for {@code evaluate},
 * {@code train} and the service.
 *
 * @param tried validation full NDCG@10 of every table and weight tried, for reports
 */
public record HybridWeight(boolean symmetric, double scale, Map<String, Object> tried) {

    private static final Logger LOG = LoggerFactory.getLogger(HybridWeight.class);

    /** Entries kept per item in the table. */
    public static final int NEIGHBOURS = 100;
    /** Largest weight tried. */
    static final double MAX_SCALE = 1024;
    /** Validation cases used to choose (a stride sample when there are more). */
    static final int SELECTION_CASES = 5_000;

    /**
     * @param model      the pooling model trained on {@code train} (the validation run's)
     * @param train      the validation run's training events (the table is counted from them)
     * @param validation the validation cases
     */
    public static HybridWeight choose(SeqRecModel model, EventLog train, List<EvalCase> validation, Evaluator evaluator) {
        List<EvalCase> cases = sample(validation, SELECTION_CASES);
        boolean bestSymmetric = false;
        double bestScale = 0;
        double best = Double.NEGATIVE_INFINITY;
        Map<String, Object> tried = new LinkedHashMap<>();
        if (cases.isEmpty()) {
            return new HybridWeight(false, 0, tried);
        }
        for (boolean symmetric : new boolean[] {false, true}) {
            CoVisitation table = CoVisitations.build(train, model.vocabulary, symmetric, NEIGHBOURS, 1.0);
            double previous = Double.NEGATIVE_INFINITY;
            for (double scale = symmetric ? 1 : 0; scale <= MAX_SCALE; scale = scale == 0 ? 1 : scale * 2) {
                Metrics m = evaluator.evaluate(new HybridScorer(new HybridModel(model, table.scaled(scale))), cases);
                String key = (symmetric ? "symmetric" : "directed") + "@" + scale;
                tried.put(key, Math.round(m.fullNdcgAt10() * 1e4) / 1e4);
                LOG.info("hybrid {}: validation full NDCG@10 {}, HR@20 {}", key, m.fullNdcgAt10(), m.fullHrAt20());
                if (m.fullNdcgAt10() > best) {
                    best = m.fullNdcgAt10();
                    bestSymmetric = symmetric;
                    bestScale = scale;
                }
                if (scale > 0 && m.fullNdcgAt10() <= previous) {
                    break;
                }
                previous = m.fullNdcgAt10();
            }
        }
        return new HybridWeight(bestSymmetric, bestScale, tried);
    }

    /** The final table, counted from {@code train} over the final model's vocabulary. */
    public HybridModel apply(SeqRecModel model, EventLog train) {
        return new HybridModel(model, CoVisitations.build(train, model.vocabulary, symmetric, NEIGHBOURS, scale));
    }

    /** Every k-th case, at most {@code max}. */
    static List<EvalCase> sample(List<EvalCase> cases, int max) {
        if (cases.size() <= max) {
            return cases;
        }
        List<EvalCase> out = new java.util.ArrayList<>(max);
        double step = cases.size() / (double) max;
        for (int i = 0; i < max; i++) {
            out.add(cases.get((int) (i * step)));
        }
        return out;
    }
}
