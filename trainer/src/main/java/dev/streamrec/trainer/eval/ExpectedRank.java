package dev.streamrec.trainer.eval;

/**
 * The tie rule, in one place: a target with {@code above} items scored strictly higher and
 * {@code ties} other items scored equal has a 0-based rank uniform on {@code [above, above + ties]}
 * under random tie-breaking, and a metric's expected value is its mean over those ranks. Exact, with
 * prefix sums of the gain over ranks below the cut-off (ranks at or past it gain nothing).
 */
final class ExpectedRank {

    /** Gain of 0-based rank {@code r} below the cut-off. */
    @FunctionalInterface
    interface Gain {
        double of(int r);
    }

    static final Gain HIT = r -> 1.0;
    static final Gain NDCG = r -> 1.0 / (Math.log(r + 2) / Math.log(2));
    static final Gain RECIPROCAL = r -> 1.0 / (r + 1);

    private final double[] prefix; // prefix[r] = gain(0) + ... + gain(r - 1), r <= cutoff
    private final int cutoff;

    ExpectedRank(Gain gain, int cutoff) {
        this.cutoff = cutoff;
        this.prefix = new double[cutoff + 1];
        for (int r = 0; r < cutoff; r++) {
            prefix[r + 1] = prefix[r] + gain.of(r);
        }
    }

    /** Expected gain of a target with {@code above} items strictly higher and {@code ties} equal. */
    double of(long above, long ties) {
        if (above >= cutoff) {
            return 0;
        }
        long last = Math.min(above + ties + 1, cutoff); // exclusive
        return (prefix[(int) last] - prefix[(int) above]) / (ties + 1);
    }
}
