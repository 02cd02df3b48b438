package dev.streamrec.trainer.model;

/**
 * The hybrid's dense EASE term: every EASE weight (negatives included) of a catalogue small enough to
 * invert, read over the user's last {@code window} events, each distinct item once (EASE is defined on the
 * binary user x item matrix, so a repeated item counts once):
 * <pre>
 *   e(i) = Σ_{a in distinct(last window events)} W(a, i)        W = coefficient x B
 * </pre>
 * {@code weights} is the [rows, rows] matrix {@code W} in vocabulary rows, row-major, the coefficient already
 * multiplied in; row 0 (unknown or padding) and column 0 are zero, so an unknown history item adds nothing.
 * The same array becomes the graph's {@code dense_ease_weights} initializer (a multi-hot history times it; in
 * candidate mode, when a call reads few enough, single entries gathered for the candidates instead).
 */
public final class DenseEase {

    public final int rows;
    public final int window;
    public final float[] weights;

    public DenseEase(int rows, int window, float[] weights) {
        if (rows <= 0 || window <= 0 || weights.length != (long) rows * rows) {
            throw new IllegalArgumentException("dense EASE weights are not " + rows + " x " + rows + " (window " + window + ")");
        }
        this.rows = rows;
        this.window = window;
        this.weights = weights;
    }

    /** A matrix of this shape with random weights in [-scale, scale) (benchmarks: the graph's cost, not its quality). */
    public static DenseEase random(int rows, int window, double scale, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] w = new float[rows * rows];
        for (int a = 1; a < rows; a++) {
            for (int i = 1; i < rows; i++) {
                w[a * rows + i] = a == i ? 0f : (float) (scale * (2 * random.nextDouble() - 1));
            }
        }
        return new DenseEase(rows, window, w);
    }

    /** {@code scores[i] += e(i)} for the history (vocabulary rows, most recent first). */
    public void addTo(History history, float[] scores) {
        int n = Math.min(history.length, window);
        boolean[] seen = new boolean[rows];
        int width = Math.min(rows, scores.length);
        for (int j = 0; j < n; j++) {
            int a = history.items[j];
            if (a == Vocabulary.UNKNOWN || a >= rows || seen[a]) {
                continue;
            }
            seen[a] = true;
            int off = a * rows;
            for (int i = 0; i < width; i++) {
                scores[i] += weights[off + i];
            }
        }
    }

    @Override
    public String toString() {
        return "DenseEase{rows=" + rows + ", window=" + window + "}";
    }
}
