package dev.streamrec.trainer.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

import dev.streamrec.trainer.model.CoVisitation;

/**
 * Sparse item-to-item weights {@code w(a, b)} counted from training sequences: for every occurrence
 * of {@code a} at position {@code i} of a user's sequence, the items at the positions a
 * {@link Neighbourhood} names are counted, once per user or once per occurrence. Built one row at a
 * time with a dense counter (memory: the non-zeros), rows in parallel.
 */
final class ItemGraph {

    /** Which positions of a sequence relate to position {@code i}: the half-open range {@code [from, to)}, minus {@code i} unless stated. */
    enum Neighbourhood {
        /** The next position only (first-order transitions). */
        NEXT,
        /** The next {@code window} positions (b follows a). */
        AFTER,
        /** {@code window} positions either side. */
        AROUND,
        /** The whole sequence, position {@code i} included (so {@code w(a, a)} counts the user). */
        WHOLE
    }

    /** Turns a count into the stored weight. */
    @FunctionalInterface
    interface Weight {
        float of(int a, int b, int count);
    }

    private final int[][] cols;
    private final float[][] vals;

    private ItemGraph(int[][] cols, float[][] vals) {
        this.cols = cols;
        this.vals = vals;
    }

    /** A graph of given rows: per catalogue row, sorted columns and their weights. */
    static ItemGraph of(int[][] cols, float[][] vals) {
        return new ItemGraph(cols, vals);
    }

    /**
     * @param onePerUser count a pair at most once per user (co-occurrence) rather than once per occurrence (transitions)
     */
    static ItemGraph build(TrainingRows rows, Neighbourhood nb, int window, boolean onePerUser, Weight weight) {
        int n = rows.catalogue.size();
        // Occurrences of each item: (user, position), grouped by item.
        int[] start = new int[n + 1];
        for (int[] seq : rows.sequences) {
            for (int r : seq) {
                start[r + 1]++;
            }
        }
        for (int r = 0; r < n; r++) {
            start[r + 1] += start[r];
        }
        int[] fill = Arrays.copyOf(start, n);
        int[] occUser = new int[start[n]];
        int[] occPos = new int[start[n]];
        for (int u = 0; u < rows.sequences.length; u++) {
            int[] seq = rows.sequences[u];
            for (int i = 0; i < seq.length; i++) {
                int at = fill[seq[i]]++;
                occUser[at] = u;
                occPos[at] = i;
            }
        }
        int[][] cols = new int[n][];
        float[][] vals = new float[n][];
        int chunks = Math.max(1, Math.min(n, 64));
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            int[] counts = new int[n];
            int[] stamp = new int[n];
            Arrays.fill(stamp, -1);
            int[] touched = new int[n];
            for (int a = chunk; a < n; a += chunks) {
                int t = 0;
                for (int o = start[a]; o < start[a + 1]; o++) {
                    int u = occUser[o];
                    int[] seq = rows.sequences[u];
                    int i = occPos[o];
                    int from;
                    int to;
                    switch (nb) {
                        case NEXT -> { from = i + 1; to = Math.min(seq.length, i + 2); }
                        case AFTER -> { from = i + 1; to = Math.min(seq.length, i + 1 + window); }
                        case AROUND -> { from = Math.max(0, i - window); to = Math.min(seq.length, i + 1 + window); }
                        default -> { from = 0; to = seq.length; }
                    }
                    for (int j = from; j < to; j++) {
                        if (j == i && nb != Neighbourhood.WHOLE) {
                            continue;
                        }
                        int b = seq[j];
                        if (onePerUser) {
                            if (stamp[b] == u) {
                                continue;
                            }
                            stamp[b] = u;
                        }
                        if (counts[b]++ == 0) {
                            touched[t++] = b;
                        }
                    }
                }
                int[] c = Arrays.copyOf(touched, t);
                Arrays.sort(c);
                float[] v = new float[t];
                for (int k = 0; k < t; k++) {
                    v[k] = weight.of(a, c[k], counts[c[k]]);
                    counts[c[k]] = 0;
                    stamp[c[k]] = -1;
                }
                cols[a] = c;
                vals[a] = v;
            }
        });
        return new ItemGraph(cols, vals);
    }

    /**
     * {@code Σ_k coefficients[k] · graphs[k]}, row by row (a graph with coefficient 0 is skipped). The
     * graphs must cover the same items; a skipped one may be null.
     */
    static ItemGraph mix(ItemGraph[] graphs, double[] coefficients) {
        int found = -1;
        for (int g = 0; g < graphs.length; g++) {
            if (coefficients[g] != 0) {
                found = graphs[g].cols.length;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException("every coefficient is 0");
        }
        int n = found;
        int[][] cols = new int[n][];
        float[][] vals = new float[n][];
        int chunks = Math.max(1, Math.min(n, 64));
        IntStream.range(0, chunks).parallel().forEach(chunk -> {
            float[] acc = new float[n];
            boolean[] seen = new boolean[n];
            int[] touched = new int[n];
            for (int a = chunk; a < n; a += chunks) {
                int t = 0;
                for (int g = 0; g < graphs.length; g++) {
                    if (coefficients[g] == 0) {
                        continue;
                    }
                    int[] c = graphs[g].cols[a];
                    float[] v = graphs[g].vals[a];
                    for (int k = 0; k < c.length; k++) {
                        if (!seen[c[k]]) {
                            seen[c[k]] = true;
                            touched[t++] = c[k];
                        }
                        acc[c[k]] += (float) (coefficients[g] * v[k]);
                    }
                }
                int[] c = Arrays.copyOf(touched, t);
                Arrays.sort(c);
                float[] v = new float[t];
                for (int k = 0; k < t; k++) {
                    v[k] = acc[c[k]];
                    acc[c[k]] = 0f;
                    seen[c[k]] = false;
                }
                cols[a] = c;
                vals[a] = v;
            }
        });
        return new ItemGraph(cols, vals);
    }

    /**
     * Each row's {@code m} largest positive weights (ties to the lower row) as a {@link CoVisitation} table in
     * vocabulary rows: catalogue row {@code r} is vocabulary row {@code r + 1}, row 0 has no neighbours.
     */
    CoVisitation topNeighbours(int m, float[] positionWeight) {
        int n = cols.length;
        int[] rows = new int[(n + 1) * m];
        float[] weights = new float[(n + 1) * m];
        IntStream.range(0, n).parallel().forEach(a -> {
            int[] c = cols[a];
            float[] v = vals[a];
            Integer[] order = new Integer[c.length];
            for (int k = 0; k < c.length; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (x, y) -> v[x] != v[y] ? Float.compare(v[y], v[x]) : Integer.compare(c[x], c[y]));
            int off = (a + 1) * m;
            for (int k = 0; k < Math.min(m, c.length) && v[order[k]] > 0; k++) {
                rows[off + k] = c[order[k]] + 1;
                weights[off + k] = v[order[k]];
            }
        });
        return new CoVisitation(m, positionWeight, rows, weights);
    }

    /** {@code out[b] += scale * w(a, b)} for every neighbour {@code b} of {@code a}. */
    void addTo(int a, float scale, float[] out) {
        int[] c = cols[a];
        float[] v = vals[a];
        for (int k = 0; k < c.length; k++) {
            out[c[k]] += scale * v[k];
        }
    }
}
