package dev.streamrec.trainer.model;

import java.util.Arrays;

/**
 * An item-to-item co-occurrence signal the model adds to its own score (the hybrid model):
 * <pre>
 *   c(i) = scale * Σ_{j < window} decay^j * w(item_j, i)        j = 0 is the latest event
 * </pre>
 * {@code w(a, ·)} is kept as each item's top {@code neighbours} entries, in vocabulary rows:
 * {@code rows[a * neighbours + k]} and {@code weights[a * neighbours + k]}; unused slots point at row 0
 * with weight 0, and row 0 (unknown or padding) has no neighbours, so an unknown history item adds
 * nothing. The same arrays become initializers of the ONNX graph.
 */
public final class CoVisitation {

    public final int neighbours;
    /** {@code scale * decay^j} per history position. */
    public final float[] positionWeight;
    public final int[] rows;
    public final float[] weights;

    public CoVisitation(int neighbours, float[] positionWeight, int[] rows, float[] weights) {
        if (rows.length != weights.length || neighbours <= 0 || rows.length % neighbours != 0) {
            throw new IllegalArgumentException("neighbour table is not rows x " + neighbours);
        }
        this.neighbours = neighbours;
        this.positionWeight = positionWeight;
        this.rows = rows;
        this.weights = weights;
    }

    /** {@code scale * decay^j} for {@code j < window}. */
    public static float[] positionWeights(int window, double decay, double scale) {
        float[] p = new float[window];
        for (int j = 0; j < window; j++) {
            p[j] = (float) (scale * Math.pow(decay, j));
        }
        return p;
    }

    /** The same table with another scale (position weights multiplied by {@code factor}). */
    public CoVisitation scaled(double factor) {
        float[] p = positionWeight.clone();
        for (int j = 0; j < p.length; j++) {
            p[j] = (float) (p[j] * factor);
        }
        return new CoVisitation(neighbours, p, rows, weights);
    }

    /** A table of this shape with random neighbours and weights (benchmarks: the graph's cost, not its quality). */
    public static CoVisitation random(int vocabularyRows, int neighbours, int window, double scale, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int[] rows = new int[vocabularyRows * neighbours];
        float[] weights = new float[rows.length];
        for (int i = neighbours; i < rows.length; i++) {
            rows[i] = 1 + random.nextInt(vocabularyRows - 1);
            weights[i] = (float) random.nextDouble();
        }
        return new CoVisitation(neighbours, positionWeights(window, 0.7, scale), rows, weights);
    }

    public int window() {
        return positionWeight.length;
    }

    public int tableRows() {
        return rows.length / neighbours;
    }

    /** {@code scores[row] += c(row)} for the history (vocabulary rows, most recent first). */
    public void addTo(History history, float[] scores) {
        int n = Math.min(history.length, positionWeight.length);
        for (int j = 0; j < n; j++) {
            int a = history.items[j];
            if (a == Vocabulary.UNKNOWN || a >= tableRows()) {
                continue;
            }
            float p = positionWeight[j];
            int off = a * neighbours;
            for (int k = 0; k < neighbours; k++) {
                scores[rows[off + k]] += p * weights[off + k];
            }
        }
    }

    /** The signal alone, every vocabulary row ({@code vocabularyRows} long). */
    public float[] scores(History history, int vocabularyRows) {
        float[] s = new float[vocabularyRows];
        addTo(history, s);
        s[0] = 0f;
        return s;
    }

    @Override
    public String toString() {
        return "CoVisitation{neighbours=" + neighbours + ", positionWeight=" + Arrays.toString(positionWeight) + "}";
    }
}
