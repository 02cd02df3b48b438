package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.IntFunction;

/** Top-k selection over dense per-row scores, for the Java-side scorers (the ONNX graph has its own TopK). */
final class TopK {

    private TopK() {
    }

    /**
     * The best {@code k} rows in {@code 1 .. scores.length-1} not in {@code exclude}; ties go to the
     * lower row, so results are deterministic.
     */
    static List<Scorer.Ranked> of(float[] scores, IntFunction<String> idOf, IntFunction<Boolean> excluded, int k) {
        PriorityQueue<int[]> heap = new PriorityQueue<>(k + 1, (a, b) -> {
            int c = Float.compare(scores[a[0]], scores[b[0]]);
            return c != 0 ? c : Integer.compare(b[0], a[0]);
        });
        for (int row = 1; row < scores.length; row++) {
            if (excluded.apply(row)) {
                continue;
            }
            heap.add(new int[] {row});
            if (heap.size() > k) {
                heap.poll();
            }
        }
        List<Scorer.Ranked> out = new ArrayList<>(heap.size());
        while (!heap.isEmpty()) {
            int row = heap.poll()[0];
            out.add(new Scorer.Ranked(idOf.apply(row), scores[row]));
        }
        Collections.reverse(out);
        return out;
    }

    static Set<Integer> rows(List<String> ids, java.util.function.ToIntFunction<String> index) {
        Set<Integer> rows = new HashSet<>();
        for (String id : ids) {
            rows.add(index.applyAsInt(id));
        }
        return rows;
    }
}
