package dev.streamrec.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Averages over the evaluated cases. Keys of {@link #asMap()} are the ones published in
 * {@code ModelPublished.metrics} and the manifest.
 */
public record Metrics(double hrAt10, double ndcgAt10, double recallAt20, double mrrAt20, int cases) {

    public static final String HR_AT_10 = "hr_at_10";
    public static final String NDCG_AT_10 = "ndcg_at_10";
    public static final String RECALL_AT_20 = "recall_at_20";
    public static final String MRR_AT_20 = "mrr_at_20";
    public static final String CASES = "cases";

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(HR_AT_10, hrAt10);
        m.put(NDCG_AT_10, ndcgAt10);
        m.put(RECALL_AT_20, recallAt20);
        m.put(MRR_AT_20, mrrAt20);
        m.put(CASES, (double) cases);
        return m;
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
