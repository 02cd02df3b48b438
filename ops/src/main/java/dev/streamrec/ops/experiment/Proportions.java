package dev.streamrec.ops.experiment;

/**
 * The statistics of a hit rate (hits out of lists) and of two of them, at 95% confidence: for
 * independent trials ({@link #wilson(long, long)}, {@link #zTestP(long, long, long, long)}), and
 * for lists clustered by user ({@link Clustered}), which is what an experiment produces.
 */
public final class Proportions {

    /** The two-sided 95% normal quantile. */
    static final double Z95 = 1.959963984540054;

    private Proportions() {
    }

    /** A closed interval. */
    public record Interval(double low, double high) {
    }

    /** The Wilson score interval of {@code hits / n} (good near 0 and 1, unlike the normal one). */
    public static Interval wilson(long hits, long n) {
        return n == 0 ? new Interval(0, 1) : wilson((double) hits / n, (double) n);
    }

    /**
     * The relative lift {@code pT / pC - 1} with a 95% interval from the delta method on the log of
     * the ratio; {@code null} when either rate is 0 (the ratio has no finite interval then).
     */
    public static Interval liftInterval(long hitsT, long nT, long hitsC, long nC) {
        if (hitsT == 0 || hitsC == 0 || nT == 0 || nC == 0) {
            return null;
        }
        double pT = (double) hitsT / nT;
        double pC = (double) hitsC / nC;
        double se = Math.sqrt((1 - pT) / (nT * pT) + (1 - pC) / (nC * pC));
        double log = Math.log(pT / pC);
        return new Interval(Math.exp(log - Z95 * se) - 1, Math.exp(log + Z95 * se) - 1);
    }

    /** Two-sided p-value of the pooled two-proportion z-test of {@code pT = pC}; 1 when undefined. */
    public static double zTestP(long hitsT, long nT, long hitsC, long nC) {
        if (nT == 0 || nC == 0) {
            return 1;
        }
        double pooled = (double) (hitsT + hitsC) / (nT + nC);
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / nT + 1.0 / nC));
        if (se == 0) {
            return 1;
        }
        double z = ((double) hitsT / nT - (double) hitsC / nC) / se;
        return Math.min(1, 2 * upperTail(Math.abs(z)));
    }

    /**
     * A hit rate over users who each saw several lists: {@code rate = sum(hits) / sum(lists)}, with
     * the cluster-robust (delta method) variance {@code sum_u (h_u - rate * n_u)^2 / L^2 * N / (N - 1)}
     * (Deng et al., "Applying the Delta Method in Metric Analytics", 2018), which treats users, the
     * randomised unit, as the independent observations. With fewer than two users it falls back to
     * the binomial variance.
     */
    public record Clustered(long users, long lists, long hits, double rate, double variance) {

        /** From each user's {lists, hits}. */
        public static Clustered of(java.util.Collection<long[]> perUser) {
            long n = 0;
            long h = 0;
            for (long[] u : perUser) {
                n += u[0];
                h += u[1];
            }
            double p = n == 0 ? 0 : (double) h / n;
            int users = perUser.size();
            double variance;
            if (users < 2 || n == 0) {
                variance = n == 0 ? 0 : p * (1 - p) / n;
            } else {
                double sum = 0;
                for (long[] u : perUser) {
                    double r = u[1] - p * u[0];
                    sum += r * r;
                }
                variance = sum / ((double) n * n) * users / (users - 1);
            }
            return new Clustered(users, n, h, p, variance);
        }

        /** Lists' worth of independent trials that would give the same variance (at most the lists). */
        public double effectiveLists() {
            if (variance <= 0) {
                return lists;
            }
            return Math.min(lists, rate * (1 - rate) / variance);
        }

        /** The Wilson interval at the effective number of lists (the design effect applied). */
        public Interval interval() {
            return wilson(rate, effectiveLists());
        }
    }

    /** Wilson interval of a rate {@code p} over {@code n} (possibly effective, fractional) trials. */
    public static Interval wilson(double p, double n) {
        if (n <= 0) {
            return new Interval(0, 1);
        }
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /** Relative lift of {@code t} over {@code c} with a 95% interval (delta method on the log ratio); null when a rate is 0. */
    public static Interval liftInterval(Clustered t, Clustered c) {
        if (t.rate() == 0 || c.rate() == 0) {
            return null;
        }
        double se = Math.sqrt(t.variance() / (t.rate() * t.rate()) + c.variance() / (c.rate() * c.rate()));
        double log = Math.log(t.rate() / c.rate());
        return new Interval(Math.exp(log - Z95 * se) - 1, Math.exp(log + Z95 * se) - 1);
    }

    /** Two-sided p-value of the z-test of equal rates with clustered variances; 1 when undefined. */
    public static double zTestP(Clustered t, Clustered c) {
        double se = Math.sqrt(t.variance() + c.variance());
        if (t.lists() == 0 || c.lists() == 0 || se == 0) {
            return 1;
        }
        return Math.min(1, 2 * upperTail(Math.abs((t.rate() - c.rate()) / se)));
    }

    /** P(Z &gt; z) for a standard normal Z, z &ge; 0 (W. J. Cody's erfc approximation via Numerical Recipes' erfcc, |error| &lt; 1.2e-7). */
    static double upperTail(double z) {
        double x = z / Math.sqrt(2);
        double t = 1.0 / (1.0 + 0.5 * x);
        double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return erfc / 2;
    }
}
