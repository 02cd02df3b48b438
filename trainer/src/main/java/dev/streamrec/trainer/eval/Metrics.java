package dev.streamrec.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Averages over the evaluated cases (every case counts; an unreachable target is a miss). Keys of
 * {@link #asMap()} are the ones in {@code trainer evaluate --json}, {@code ModelPublished.metrics}
 * and the manifest.
 *
 * @param hrAt10            sampled: the target among its case's negatives
 * @param ndcgAt10          sampled
 * @param fullHrAt5         full ranking over the catalogue minus the excluded items (HR = Recall with one target)
 * @param excludedTargets   cases whose target is among the items the exclusion policy removes
 * @param unknownTargets    cases whose target the scorer knows nothing about (not in its training data)
 */
public record Metrics(double hrAt10, double ndcgAt10,
                      double fullHrAt5, double fullHrAt10, double fullHrAt20,
                      double fullNdcgAt5, double fullNdcgAt10, double fullNdcgAt20, double fullMrrAt20,
                      int cases, int excludedTargets, int unknownTargets) {

    public static final String HR_AT_10 = "hr_at_10";
    public static final String NDCG_AT_10 = "ndcg_at_10";
    public static final String FULL_HR_AT_5 = "full_hr_at_5";
    public static final String FULL_HR_AT_10 = "full_hr_at_10";
    public static final String FULL_HR_AT_20 = "full_hr_at_20";
    public static final String FULL_NDCG_AT_5 = "full_ndcg_at_5";
    public static final String FULL_NDCG_AT_10 = "full_ndcg_at_10";
    public static final String FULL_NDCG_AT_20 = "full_ndcg_at_20";
    public static final String FULL_MRR_AT_20 = "full_mrr_at_20";
    public static final String CASES = "cases";
    public static final String UNREACHABLE_EXCLUDED = "unreachable_excluded";
    public static final String UNREACHABLE_UNKNOWN = "unreachable_unknown";
    /** The keys that measure quality (the rest are counts): what a gate may compare. */
    public static final java.util.List<String> QUALITY = java.util.List.of(HR_AT_10, NDCG_AT_10, FULL_HR_AT_5, FULL_HR_AT_10,
            FULL_HR_AT_20, FULL_NDCG_AT_5, FULL_NDCG_AT_10, FULL_NDCG_AT_20, FULL_MRR_AT_20);

    /** Sampled metrics only; the full-ranking ones are NaN (what {@link Evaluator#evaluateSampled} gives). */
    public static Metrics sampled(double hrAt10, double ndcgAt10, int cases) {
        return new Metrics(hrAt10, ndcgAt10, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, cases, 0, 0);
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(HR_AT_10, hrAt10);
        m.put(NDCG_AT_10, ndcgAt10);
        m.put(FULL_HR_AT_5, fullHrAt5);
        m.put(FULL_HR_AT_10, fullHrAt10);
        m.put(FULL_HR_AT_20, fullHrAt20);
        m.put(FULL_NDCG_AT_5, fullNdcgAt5);
        m.put(FULL_NDCG_AT_10, fullNdcgAt10);
        m.put(FULL_NDCG_AT_20, fullNdcgAt20);
        m.put(FULL_MRR_AT_20, fullMrrAt20);
        m.put(CASES, (double) cases);
        m.put(UNREACHABLE_EXCLUDED, (double) excludedTargets);
        m.put(UNREACHABLE_UNKNOWN, (double) unknownTargets);
        return m;
    }

    /** Each metric's mean over several runs (e.g. seeds); counts are rounded to the nearest integer. */
    public static Metrics mean(java.util.List<Metrics> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to average");
        }
        double n = runs.size();
        java.util.function.ToDoubleFunction<java.util.function.ToDoubleFunction<Metrics>> avg =
                f -> runs.stream().mapToDouble(f).sum() / n;
        return new Metrics(avg.applyAsDouble(Metrics::hrAt10), avg.applyAsDouble(Metrics::ndcgAt10),
                avg.applyAsDouble(Metrics::fullHrAt5), avg.applyAsDouble(Metrics::fullHrAt10),
                avg.applyAsDouble(Metrics::fullHrAt20), avg.applyAsDouble(Metrics::fullNdcgAt5),
                avg.applyAsDouble(Metrics::fullNdcgAt10), avg.applyAsDouble(Metrics::fullNdcgAt20),
                avg.applyAsDouble(Metrics::fullMrrAt20), (int) Math.round(avg.applyAsDouble(Metrics::cases)),
                (int) Math.round(avg.applyAsDouble(Metrics::excludedTargets)),
                (int) Math.round(avg.applyAsDouble(Metrics::unknownTargets)));
    }

    /** The value of one metric by its key. */
    public double get(String key) {
        Double v = asMap().get(key);
        if (v == null) {
            throw new IllegalArgumentException("unknown metric '" + key + "', known: " + asMap().keySet());
        }
        return v;
    }
}
