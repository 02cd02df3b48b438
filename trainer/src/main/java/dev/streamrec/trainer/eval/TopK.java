package dev.streamrec.trainer.eval;

/** Top-k selection over a dense score vector, for the Java-side scorers (the ONNX graph has its own TopK). */
final class TopK {

    private TopK() {
    }

    /**
     * The rows of the {@code k} highest scores, best first, skipping NaN (excluded) entries; ties go
     * to the lower row, so results are deterministic. A bounded min-heap of rows: O(n log k).
     */
    static int[] rows(float[] scores, int k) {
        int[] heap = new int[Math.max(1, k)];
        int size = 0;
        for (int r = 0; r < scores.length && k > 0; r++) {
            float s = scores[r];
            if (Float.isNaN(s)) {
                continue;
            }
            if (size < k) {
                heap[size] = r;
                up(heap, size++, scores);
            } else if (worse(heap[0], r, scores)) {
                heap[0] = r;
                down(heap, size, scores);
            }
        }
        int[] out = new int[size];
        for (int i = size - 1; i >= 0; i--) { // pop the worst first
            out[i] = heap[0];
            heap[0] = heap[--size];
            down(heap, size, scores);
        }
        return out;
    }

    /** Whether row {@code a} ranks below row {@code b}: lower score, or equal score and higher row. */
    private static boolean worse(int a, int b, float[] s) {
        return s[a] < s[b] || (s[a] == s[b] && a > b);
    }

    private static void up(int[] h, int i, float[] s) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!worse(h[i], h[parent], s)) {
                return;
            }
            int t = h[i];
            h[i] = h[parent];
            h[parent] = t;
            i = parent;
        }
    }

    private static void down(int[] h, int size, float[] s) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            int r = l + 1;
            int m = i;
            if (l < size && worse(h[l], h[m], s)) {
                m = l;
            }
            if (r < size && worse(h[r], h[m], s)) {
                m = r;
            }
            if (m == i) {
                return;
            }
            int t = h[i];
            h[i] = h[m];
            h[m] = t;
            i = m;
        }
    }
}
