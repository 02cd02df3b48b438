package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The dense EASE term's factors: exact at full rank, exact on the scores when B's scores have that rank, close otherwise. */
class LowRankTest {

    static final int N = 40;
    static final int USERS = 60;

    @Test
    void atFullRankTheFactorsAreTheMatrixAndTheIdentity() {
        double[][] b = random(N, N, 1);
        LowRank.Factors f = LowRank.ofScores(b, gram(binary(USERS, N, 2)), N, 1);

        assertThat(f.k()).isEqualTo(N);
        assertThat(maxError(b, f)).isLessThan(1e-12);
    }

    @Test
    void scoresOfRankKAreReproducedExactly() {
        // B = U Vᵀ of rank 5: the training users' scores X B have rank at most 5, so rank 5 (and 8) keep them all
        double[][] b = product(random(N, 5, 3), transpose(random(N, 5, 4)));
        double[][] x = binary(USERS, N, 5);
        double[][] g = gram(x);
        for (int k : new int[] {5, 8}) {
            LowRank.Factors f = LowRank.ofScores(b, g, k, 1);
            assertThat(scoreError(x, b, f)).as("rank %d", k).isLessThan(1e-9 * norm(product(x, b)));
        }
    }

    @Test
    void theErrorOnTheScoresFallsWithTheRankAndIsNearTheBest() {
        double[][] b = random(N, N, 6);
        double[][] x = binary(USERS, N, 7);
        double[][] g = gram(x);
        double previous = Double.MAX_VALUE;
        for (int k : new int[] {4, 12, 24, 36}) {
            double error = scoreError(x, b, LowRank.ofScores(b, g, k, 1));
            assertThat(error).as("rank %d", k).isLessThan(previous);
            previous = error;
        }
        // the best rank-k error of X B is the norm of its singular values beyond k; X B has rank ≤ min(60, 40) = 40,
        // so at rank 36 the error is a small part of the whole
        assertThat(previous).isLessThan(0.2 * norm(product(x, b)));
    }

    private static double maxError(double[][] b, LowRank.Factors f) {
        double max = 0;
        for (int a = 0; a < N; a++) {
            for (int i = 0; i < N; i++) {
                max = Math.max(max, Math.abs(b[a][i] - approx(f, a, i)));
            }
        }
        return max;
    }

    private static double approx(LowRank.Factors f, int a, int i) {
        double s = 0;
        for (int j = 0; j < f.k(); j++) {
            s += f.in()[a * f.k() + j] * f.out()[i * f.k() + j];
        }
        return s;
    }

    /** ‖X B - X in outᵀ‖ (Frobenius). */
    private static double scoreError(double[][] x, double[][] b, LowRank.Factors f) {
        double[][] r = new double[N][N];
        for (int a = 0; a < N; a++) {
            for (int i = 0; i < N; i++) {
                r[a][i] = b[a][i] - approx(f, a, i);
            }
        }
        return norm(product(x, r));
    }

    private static double[][] random(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextDouble() * 2 - 1;
            }
        }
        return m;
    }

    private static double[][] binary(int rows, int cols, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextInt(4) == 0 ? 1 : 0;
            }
        }
        return m;
    }

    private static double[][] gram(double[][] x) {
        return product(transpose(x), x);
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    private static double[][] product(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    private static double norm(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }
}
