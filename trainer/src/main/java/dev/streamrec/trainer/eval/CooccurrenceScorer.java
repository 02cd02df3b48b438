package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;

/**
 * Baseline: recency-weighted item co-occurrence. Two items co-occur when one user used both;
 * similarity is the cosine {@code |U_a ∩ U_b| / sqrt(|U_a| |U_b|)} over whole training histories.
 * A candidate scores {@code sum_j decay^j * sim(h_j, candidate)} over the user's last
 * {@code window} events {@code h_0} (latest), {@code h_1}, ... — the reference row "last 10 items,
 * decayed 0.8 per step" of the MovieLens README.
 */
public final class CooccurrenceScorer implements Scorer {

    private final ItemIndex index;
    private final int window;
    private final float decay;
    private final int[][] neighbours;   // per row, co-occurring rows, ascending
    private final float[][] similarity; // aligned with neighbours

    public CooccurrenceScorer(EventLog train, int window, float decay) {
        this.index = new ItemIndex(train);
        this.window = window;
        this.decay = decay;
        int n = index.size();
        List<List<Integer>> usersOf = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            usersOf.add(new ArrayList<>());
        }
        int[] distinctUsers = new int[n];
        for (int u = 0; u < index.userItems.size(); u++) {
            for (int r : index.userItems.get(u)) {
                usersOf.get(r).add(u);
                distinctUsers[r]++;
            }
        }
        neighbours = new int[n][];
        similarity = new float[n][];
        int[] counts = new int[n];
        int[] touched = new int[n];
        for (int a = 1; a < n; a++) {
            // One row at a time with a dense counter: O(sum of co-occurrences), memory O(non-zeros).
            int t = 0;
            for (int u : usersOf.get(a)) {
                for (int b : index.userItems.get(u)) {
                    if (b != a && counts[b]++ == 0) {
                        touched[t++] = b;
                    }
                }
            }
            Arrays.sort(touched, 0, t);
            neighbours[a] = Arrays.copyOf(touched, t);
            similarity[a] = new float[t];
            for (int i = 0; i < t; i++) {
                int b = touched[i];
                similarity[a][i] = (float) (counts[b] / Math.sqrt((double) distinctUsers[a] * distinctUsers[b]));
                counts[b] = 0;
            }
        }
        neighbours[0] = new int[0];
        similarity[0] = new float[0];
    }

    @Override
    public String name() {
        return "cooccurrence_last" + window + "_decay" + decay;
    }

    private float[] userScores(EvalCase c) {
        float[] s = new float[index.size()];
        int n = c.history().size();
        float w = 1f;
        for (int j = 0; j < Math.min(window, n); j++) {
            int a = index.row(c.history().get(n - 1 - j).itemId());
            for (int i = 0; i < neighbours[a].length; i++) {
                s[neighbours[a][i]] += w * similarity[a][i];
            }
            w *= decay;
        }
        return s;
    }

    @Override
    public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
        float[][] out = new float[cases.size()][];
        for (int b = 0; b < cases.size(); b++) {
            float[] s = userScores(cases.get(b));
            List<String> row = candidates.get(b);
            out[b] = new float[row.size()];
            for (int c = 0; c < row.size(); c++) {
                out[b][c] = s[index.row(row.get(c))];
            }
        }
        return out;
    }

    @Override
    public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
        List<List<Ranked>> out = new ArrayList<>(cases.size());
        for (int b = 0; b < cases.size(); b++) {
            float[] s = userScores(cases.get(b));
            Set<Integer> ex = TopK.rows(exclude.get(b), index::row);
            out.add(TopK.of(s, index.ids::get, ex::contains, k));
        }
        return out;
    }
}
