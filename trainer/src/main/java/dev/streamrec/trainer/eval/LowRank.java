package dev.streamrec.trainer.eval;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * EASE's weights factored to rank {@code k}, fitted to the scores they give rather than to the matrix: the best
 * rank-{@code k} approximation of the training users' scores {@code X B} is {@code X B W Wᵀ}, {@code W} the top
 * {@code k} eigenvectors of {@code Bᵀ G B} ({@code G = XᵀX}), so {@code B ≈ (B W) Wᵀ}. {@code W} comes from a
 * randomised range finder with power iterations (Halko, Martinsson, Tropp 2011). On ML-100K (seed 1, validation
 * choices as usual) rank 256 kept the full matrix's test HR@20 (0.365 against 0.371, within one standard error);
 * plain low-rank approximations of {@code B} itself kept 0.352 at rank 128 (0.360 fitted to the scores) and 0.364
 * at rank 256 (trainer README, "The dense EASE term, factored").
 */
final class LowRank {

    /** Factors {@code in} = {@code B W} and {@code out} = {@code W}, [n, k] row-major, {@code B ≈ in · outᵀ}. */
    record Factors(int n, int k, double[] in, double[] out) {
    }

    /** Power iterations: two are the usual choice for a spectrum that decays slowly (Halko et al., section 4.5). */
    static final int POWER_ITERATIONS = 2;

    private LowRank() {
    }

    /**
     * {@code b} factored at rank {@code k} against the Gram matrix {@code g}; at {@code k >= n} exactly, as
     * {@code in = B}, {@code out = I}.
     */
    static Factors ofScores(double[][] b, double[][] g, int k, long seed) {
        int n = b.length;
        if (k >= n) {
            double[] in = new double[n * n];
            double[] out = new double[n * n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(b[i], 0, in, i * n, n);
                out[i * n + i] = 1;
            }
            return new Factors(n, n, in, out);
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[][] w = new double[n][k];
        for (double[] row : w) {
            for (int j = 0; j < k; j++) {
                row[j] = random.nextDouble() * 2 - 1;
            }
        }
        double[][] t1 = new double[n][k];
        double[][] t2 = new double[n][k];
        for (int it = 0; it <= POWER_ITERATIONS; it++) {
            multiply(b, w, t1, false);
            multiply(g, t1, t2, false);
            multiply(b, t2, w, true);
            orthonormalise(w);
        }
        multiply(b, w, t1, false);
        double[] in = new double[n * k];
        double[] out = new double[n * k];
        for (int i = 0; i < n; i++) {
            System.arraycopy(t1[i], 0, in, i * k, k);
            System.arraycopy(w[i], 0, out, i * k, k);
        }
        return new Factors(n, k, in, out);
    }

    /** {@code out = M x} or, {@code transpose}, {@code out = Mᵀ x}; x and out [n, k]. */
    private static void multiply(double[][] m, double[][] x, double[][] out, boolean transpose) {
        int n = m.length;
        int k = x[0].length;
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] o = out[i];
            Arrays.fill(o, 0);
            for (int a = 0; a < n; a++) {
                double v = transpose ? m[a][i] : m[i][a];
                if (v == 0) {
                    continue;
                }
                double[] xa = x[a];
                for (int j = 0; j < k; j++) {
                    o[j] += v * xa[j];
                }
            }
        });
    }

    /**
     * Orthonormal columns in place: modified Gram-Schmidt, twice (one pass loses orthogonality on nearly
     * dependent columns); a column with nothing left becomes zero and adds nothing to the factors.
     */
    private static void orthonormalise(double[][] y) {
        int n = y.length;
        int k = y[0].length;
        double[][] cols = new double[k][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                cols[j][i] = y[i][j];
            }
        }
        for (int pass = 0; pass < 2; pass++) {
            for (int j = 0; j < k; j++) {
                double[] c = cols[j];
                for (int i = 0; i < j; i++) {
                    double[] e = cols[i];
                    double dot = 0;
                    for (int r = 0; r < n; r++) {
                        dot += e[r] * c[r];
                    }
                    for (int r = 0; r < n; r++) {
                        c[r] -= dot * e[r];
                    }
                }
                double norm = 0;
                for (double v : c) {
                    norm += v * v;
                }
                norm = Math.sqrt(norm);
                for (int r = 0; r < n; r++) {
                    c[r] = norm > 1e-12 ? c[r] / norm : 0;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                y[i][j] = cols[j][i];
            }
        }
    }
}
