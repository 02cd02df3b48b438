package dev.streamrec.ops.experiment;

/**
 * The statistics of a hit rate (hits out of lists) and of two of them, at 95% confidence.
 * Lists are treated as independent trials; lists of one user are correlated, so with many lists
 * per user the intervals are somewhat too narrow (the README says so).
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
        if (n == 0) {
            return new Interval(0, 1);
        }
        double p = (double) hits / n;
        double z2 = Z95 * Z95;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2.0 * n)) / denominator;
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
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
