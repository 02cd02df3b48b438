package dev.streamrec.trainer.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders"): the item-to-item weights of a ridge
 * regression of each item's column of the user-item matrix {@code X} (binary: the user has the item)
 * on all other columns, in closed form:
 * <pre>
 *   P = (XᵀX + λI)⁻¹        B(a, i) = -P(a, i) / P(i, i),   B(i, i) = 0
 * </pre>
 * so that a user's score of item {@code i} is {@code Σ_{a in history} B(a, i)}. Unlike the counting
 * signals, a weight is conditional on every other item of the catalogue, which is what lets it use a
 * long history well. The inversion is dense, {@code O(n³)} time and {@code 8n²} bytes: see
 * {@link #MAX_ITEMS}.
 */
final class Ease {

    /**
     * Largest catalogue inverted. The inversion is {@code n³} multiply-adds: ML-100K's 1,682 items (4.8e9)
     * took 3.3-8.3 s on the shared 2-core machine (trainer README), so 3,000 items (2.7e10) take about
     * 20-45 s and 72 MB, twice per training run (validation and refit). Beauty's 12,101 items would need
     * 1.8e12 (about 370 times ML-100K's, i.e. 20-50 minutes) and 1.2 GB, far beyond the 5-minute
     * training budget, so there the signal is left out.
     */
    static final int MAX_ITEMS = 3_000;

    private Ease() {
    }

    /** Whether a catalogue of {@code items} rows is small enough to invert. */
    static boolean fits(int items) {
        return items <= MAX_ITEMS;
    }

    /**
     * {@code B} over the catalogue rows of {@code rows} (row {@code a}: the weights item {@code a}
     * gives every item), as an {@link ItemGraph} of its non-zero entries.
     */
    static ItemGraph graph(TrainingRows rows, double lambda) {
        return graph(weights(rows, lambda));
    }

    /** The non-zero entries of the dense {@code B} ({@link #weights}) as an {@link ItemGraph}. */
    static ItemGraph graph(double[][] b) {
        int n = b.length;
        int[][] cols = new int[n][];
        float[][] vals = new float[n][];
        IntStream.range(0, n).parallel().forEach(a -> {
            int t = 0;
            for (int i = 0; i < n; i++) {
                if (b[a][i] != 0) {
                    t++;
                }
            }
            int[] c = new int[t];
            float[] v = new float[t];
            t = 0;
            for (int i = 0; i < n; i++) {
                if (b[a][i] != 0) {
                    c[t] = i;
                    v[t++] = (float) b[a][i];
                }
            }
            cols[a] = c;
            vals[a] = v;
        });
        return ItemGraph.of(cols, vals);
    }

    /** The dense {@code B}, {@code n x n} over catalogue rows. */
    static double[][] weights(TrainingRows rows, double lambda) {
        int n = rows.catalogue.size();
        if (!fits(n)) { // before the n x n Gram matrix is built
            throw new IllegalArgumentException("EASE inverts at most " + MAX_ITEMS + " items, not " + n);
        }
        return weights(gram(rows), lambda);
    }

    /** The dense {@code B} from the Gram matrix {@code XᵀX} (not modified: the ridge goes on a copy). */
    static double[][] weights(double[][] gram, double lambda) {
        int n = gram.length;
        if (!fits(n)) {
            throw new IllegalArgumentException("EASE inverts at most " + MAX_ITEMS + " items, not " + n);
        }
        double[][] p = invertSpd(gram, lambda);
        double[][] b = new double[n][n];
        IntStream.range(0, n).parallel().forEach(a -> {
            for (int i = 0; i < n; i++) {
                b[a][i] = a == i ? 0 : -p[a][i] / p[i][i];
            }
        });
        return b;
    }

    /** {@code XᵀX}: for each pair of items, the users who have both (the diagonal: users with the item). */
    static double[][] gram(TrainingRows rows) {
        int n = rows.catalogue.size();
        double[][] g = new double[n][n];
        int[] stamp = new int[n];
        Arrays.fill(stamp, -1);
        int[] distinct = new int[n];
        for (int u = 0; u < rows.sequences.length; u++) {
            int t = 0;
            for (int r : rows.sequences[u]) {
                if (stamp[r] != u) {
                    stamp[r] = u;
                    distinct[t++] = r;
                }
            }
            for (int x = 0; x < t; x++) {
                double[] gx = g[distinct[x]];
                for (int y = 0; y < t; y++) {
                    gx[distinct[y]]++;
                }
            }
        }
        return g;
    }

    /**
     * The inverse of a symmetric positive definite matrix by Gauss-Jordan elimination in place (no
     * pivoting is needed: every pivot of an SPD matrix is positive); rows updated in parallel.
     */
    static double[][] invertSpd(double[][] m) {
        return invertSpd(m, 0);
    }

    /** {@code (m + ridge·I)⁻¹}, the ridge added on the one working copy ({@code m} is not modified). */
    static double[][] invertSpd(double[][] m, double ridge) {
        int n = m.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = m[i].clone();
            a[i][i] += ridge;
        }
        for (int k = 0; k < n; k++) {
            double[] rowK = a[k];
            double pivot = rowK[k];
            if (!(pivot > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite (pivot " + pivot + " at " + k + ")");
            }
            double inv = 1.0 / pivot;
            rowK[k] = 1.0;
            for (int j = 0; j < n; j++) {
                rowK[j] *= inv;
            }
            int kk = k;
            IntStream.range(0, n).parallel().forEach(i -> {
                if (i == kk) {
                    return;
                }
                double[] rowI = a[i];
                double f = rowI[kk];
                if (f == 0) {
                    return;
                }
                rowI[kk] = 0;
                for (int j = 0; j < n; j++) {
                    rowI[j] -= f * rowK[j];
                }
            });
        }
        return a;
    }
}
