package dev.streamrec.trainer.model;

/**
 * The hybrid's dense EASE term: every EASE weight (negatives included) of a catalogue small enough to
 * invert, read over the user's last {@code window} events, each distinct item once (EASE is defined on the
 * binary user x item matrix, so a repeated item counts once):
 * <pre>
 *   e(i) = Σ_{a in distinct(last window events)} W(a, i)        W = in · outᵀ
 * </pre>
 * {@code W} (the coefficient times EASE's {@code B}) is held factored, {@code in} and {@code out} [rows, rank]
 * row-major, so that a user's term is one vector {@code u = Σ in(a)} and a score one dot product {@code u ·
 * out(i)}: the graph then costs what an embedding lookup costs instead of a [V+1, V+1] product (the trainer
 * README, "The dense EASE term"). Row 0 (unknown or padding) of both is zero, so an unknown history item adds
 * nothing and the unknown row scores nothing. The same arrays are the graph's {@code dense_ease_in} and
 * {@code dense_ease_out} initializers.
 */
public final class DenseEase {

    public final int rows;
    public final int window;
    public final int rank;
    public final float[] in;
    public final float[] out;

    public DenseEase(int rows, int window, int rank, float[] in, float[] out) {
        if (rows <= 0 || window <= 0 || rank <= 0 || in.length != (long) rows * rank || out.length != (long) rows * rank) {
            throw new IllegalArgumentException("dense EASE factors are not " + rows + " x " + rank + " (window " + window + ")");
        }
        this.rows = rows;
        this.window = window;
        this.rank = rank;
        this.in = in;
        this.out = out;
    }

    /** Factors of this shape with random entries in [-scale, scale), row 0 zero (benchmarks: the graph's cost, not its quality). */
    public static DenseEase random(int rows, int window, int rank, double scale, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        float[] in = new float[rows * rank];
        float[] out = new float[rows * rank];
        for (int i = rank; i < in.length; i++) {
            in[i] = (float) (scale * (2 * random.nextDouble() - 1));
            out[i] = (float) (scale * (2 * random.nextDouble() - 1));
        }
        return new DenseEase(rows, window, rank, in, out);
    }

    /** {@code W(a, i)}: what item {@code a} in a history adds to item {@code i}'s score. */
    public float weight(int a, int i) {
        float s = 0;
        for (int j = 0; j < rank; j++) {
            s += in[a * rank + j] * out[i * rank + j];
        }
        return s;
    }

    /** {@code scores[i] += e(i)} for the history (vocabulary rows, most recent first). */
    public void addTo(History history, float[] scores) {
        int n = Math.min(history.length, window);
        boolean[] seen = new boolean[rows];
        float[] u = new float[rank];
        boolean any = false;
        for (int j = 0; j < n; j++) {
            int a = history.items[j];
            if (a == Vocabulary.UNKNOWN || a >= rows || seen[a]) {
                continue;
            }
            seen[a] = true;
            any = true;
            int off = a * rank;
            for (int k = 0; k < rank; k++) {
                u[k] += in[off + k];
            }
        }
        if (!any) {
            return;
        }
        int width = Math.min(rows, scores.length);
        for (int i = 1; i < width; i++) {
            int off = i * rank;
            float s = 0;
            for (int k = 0; k < rank; k++) {
                s += u[k] * out[off + k];
            }
            scores[i] += s;
        }
    }

    @Override
    public String toString() {
        return "DenseEase{rows=" + rows + ", window=" + window + ", rank=" + rank + "}";
    }
}
