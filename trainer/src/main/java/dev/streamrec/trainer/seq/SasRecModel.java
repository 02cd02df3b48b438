package dev.streamrec.trainer.seq;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import dev.streamrec.model.ModelContract;
import dev.streamrec.trainer.model.AgeBuckets;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.RecModel;
import dev.streamrec.trainer.model.Vocabulary;

/**
 * A SASRec-style causal self-attention encoder, as plain arrays with a plain-Java forward pass (the
 * reference the ONNX export and the DJL training graph are tested against).
 *
 * <p>Columns are the history <b>most recent first</b>, as the model contract delivers it; column 0
 * is the latest event. Causality in that order means column {@code j} attends to columns
 * {@code j' >= j} (itself and older events), and only to real events: a padding column attends to
 * itself alone, so no row of the attention is empty and padding never reaches a real column.
 * Position embedding {@code j} is "j events before the latest", which is SASRec's left-padded
 * absolute position read from the right.
 * <pre>
 *   x_j  = item[row_j] + position[j] + type[type_j]
 *   per block:  x += Wo . attention(LN1(x))            (one head, scaled dot product, mask above)
 *               x += W2 . relu(W1 . LN2(x) + b1) + b2
 *   u    = LNf(x_0)
 *   s(i) = u . item[i] + bias[i]                        (input and output item embeddings are tied)
 * </pre>
 * Row 0 of {@code item} (unknown ids and padding) stays zero. Linear weights are {@code [in, out]}
 * row-major, so {@code y = x W + b} is a plain {@code MatMul} in the graph.
 */
public final class SasRecModel implements RecModel {

    public static final float LN_EPSILON = 1e-5f;
    /** Added to the attention logits of masked pairs: exp underflows to exactly 0 in float. */
    public static final float MASKED = -1e9f;

    public final Vocabulary vocabulary;
    public final int dim;
    public final int maxLen;
    public final int blocks;
    /** Parameters by name, in a fixed order (see {@link #names}). */
    public final Map<String, float[]> params;

    SasRecModel(Vocabulary vocabulary, int dim, int maxLen, int blocks, Map<String, float[]> params) {
        this.vocabulary = vocabulary;
        this.dim = dim;
        this.maxLen = maxLen;
        this.blocks = blocks;
        this.params = params;
        for (Map.Entry<String, long[]> e : shapes().entrySet()) {
            float[] v = params.get(e.getKey());
            long size = 1;
            for (long d : e.getValue()) {
                size *= d;
            }
            if (v == null || v.length != size) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " missing or not of size " + size);
            }
        }
    }

    /** Parameter names and shapes, in the order the trainer and the exporter walk them. */
    public Map<String, long[]> shapes() {
        return shapes(vocabulary.rows(), dim, maxLen, blocks);
    }

    static Map<String, long[]> shapes(int rows, int d, int maxLen, int blocks) {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("item", new long[] {rows, d});
        s.put("item_bias", new long[] {rows});
        s.put("position", new long[] {maxLen, d});
        s.put("type", new long[] {ModelContract.TYPE_CODES, d});
        for (int b = 0; b < blocks; b++) {
            String p = "b" + b + ".";
            s.put(p + "ln1.g", new long[] {d});
            s.put(p + "ln1.b", new long[] {d});
            for (String w : new String[] {"q", "k", "v", "o"}) {
                s.put(p + "w" + w, new long[] {d, d});
                s.put(p + "b" + w, new long[] {d});
            }
            s.put(p + "ln2.g", new long[] {d});
            s.put(p + "ln2.b", new long[] {d});
            s.put(p + "w1", new long[] {d, d});
            s.put(p + "b1", new long[] {d});
            s.put(p + "w2", new long[] {d, d});
            s.put(p + "b2", new long[] {d});
        }
        s.put("final.g", new long[] {d});
        s.put("final.b", new long[] {d});
        return s;
    }

    /** Fresh weights: small Gaussian embeddings and linear layers, unit LayerNorm gains, zero biases, row 0 zero. */
    public static SasRecModel initialise(Vocabulary vocabulary, int dim, int maxLen, int blocks, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, float[]> params = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes(vocabulary.rows(), dim, maxLen, blocks).entrySet()) {
            String name = e.getKey();
            long size = 1;
            for (long d : e.getValue()) {
                size *= d;
            }
            float[] v = new float[(int) size];
            if (name.endsWith(".g")) {
                java.util.Arrays.fill(v, 1f);
            } else if (e.getValue().length == 2) {
                double std = 1.0 / Math.sqrt(dim); // embeddings of norm ~1; linear layers keep the variance
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (random.nextGaussian() * std);
                }
            }
            params.put(name, v);
        }
        java.util.Arrays.fill(params.get("item"), 0, dim, 0f);
        return new SasRecModel(vocabulary, dim, maxLen, blocks, params);
    }

    public float[] p(String name) {
        return params.get(name);
    }

    @Override
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int maxHistory() {
        return maxLen;
    }

    @Override
    public float itemBias(int row) {
        return params.get("item_bias")[row];
    }

    @Override
    public float[] ageBoundaries() {
        return AgeBuckets.DEFAULT_BOUNDARIES;
    }

    @Override
    public float[] scoreRows(History history) {
        float[] u = encode(history);
        float[] item = p("item");
        float[] bias = p("item_bias");
        float[] scores = new float[vocabulary.rows()];
        for (int r = 1; r < scores.length; r++) {
            float s = bias[r];
            int off = r * dim;
            for (int k = 0; k < dim; k++) {
                s += u[k] * item[off + k];
            }
            scores[r] = s;
        }
        return scores;
    }

    /**
     * The user vector for one history (most recent first). An empty history is one padding column,
     * as in the graph, which pads every batch with one empty column.
     */
    public float[] encode(History h) {
        int d = dim;
        int valid = Math.min(h.length, maxLen);
        int n = Math.max(1, valid);
        float[][] x = new float[n][d];
        float[] item = p("item");
        float[] pos = p("position");
        float[] type = p("type");
        for (int j = 0; j < n; j++) {
            int row = j < valid ? h.items[j] : Vocabulary.UNKNOWN;
            int t = j < valid ? Math.clamp(h.types[j], 0, ModelContract.TYPE_CODES - 1) : 0;
            for (int k = 0; k < d; k++) {
                x[j][k] = item[row * d + k] + pos[j * d + k] + type[t * d + k];
            }
        }
        float scale = (float) (1.0 / Math.sqrt(d));
        for (int b = 0; b < blocks; b++) {
            String pre = "b" + b + ".";
            float[][] a = new float[n][];
            for (int j = 0; j < n; j++) {
                a[j] = layerNorm(x[j], p(pre + "ln1.g"), p(pre + "ln1.b"));
            }
            float[][] q = new float[n][];
            float[][] kk = new float[n][];
            float[][] v = new float[n][];
            for (int j = 0; j < n; j++) {
                q[j] = linear(a[j], p(pre + "wq"), p(pre + "bq"));
                kk[j] = linear(a[j], p(pre + "wk"), p(pre + "bk"));
                v[j] = linear(a[j], p(pre + "wv"), p(pre + "bv"));
            }
            float[][] ctx = new float[n][d];
            float[] w = new float[n];
            for (int j = 0; j < n; j++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int jj = j; jj < n; jj++) {
                    if (jj < valid || jj == j) {
                        float s = 0;
                        for (int k = 0; k < d; k++) {
                            s += q[j][k] * kk[jj][k];
                        }
                        w[jj] = s * scale;
                        max = Math.max(max, w[jj]);
                    }
                }
                float sum = 0;
                for (int jj = j; jj < n; jj++) {
                    if (jj < valid || jj == j) {
                        w[jj] = (float) Math.exp(w[jj] - max);
                        sum += w[jj];
                    }
                }
                for (int jj = j; jj < n; jj++) {
                    if (jj < valid || jj == j) {
                        float pw = w[jj] / sum;
                        for (int k = 0; k < d; k++) {
                            ctx[j][k] += pw * v[jj][k];
                        }
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                float[] o = linear(ctx[j], p(pre + "wo"), p(pre + "bo"));
                for (int k = 0; k < d; k++) {
                    x[j][k] += o[k];
                }
                float[] f = linear(layerNorm(x[j], p(pre + "ln2.g"), p(pre + "ln2.b")), p(pre + "w1"), p(pre + "b1"));
                for (int k = 0; k < d; k++) {
                    f[k] = Math.max(0f, f[k]);
                }
                float[] g = linear(f, p(pre + "w2"), p(pre + "b2"));
                for (int k = 0; k < d; k++) {
                    x[j][k] += g[k];
                }
            }
        }
        return layerNorm(x[0], p("final.g"), p("final.b"));
    }

    private float[] linear(float[] in, float[] w, float[] bias) {
        int d = dim;
        float[] out = bias.clone();
        for (int i = 0; i < d; i++) {
            float xi = in[i];
            int off = i * d;
            for (int k = 0; k < d; k++) {
                out[k] += xi * w[off + k];
            }
        }
        return out;
    }

    static float[] layerNorm(float[] x, float[] g, float[] b) {
        int d = x.length;
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= d;
        double var = 0;
        for (float v : x) {
            var += (v - mean) * (v - mean);
        }
        var /= d;
        double inv = 1.0 / Math.sqrt(var + LN_EPSILON);
        float[] out = new float[d];
        for (int k = 0; k < d; k++) {
            out[k] = (float) ((x[k] - mean) * inv) * g[k] + b[k];
        }
        return out;
    }

    /** A deep copy (the trainer keeps the best epoch's weights). */
    public SasRecModel copy() {
        Map<String, float[]> c = new LinkedHashMap<>();
        params.forEach((k, v) -> c.put(k, v.clone()));
        return new SasRecModel(vocabulary, dim, maxLen, blocks, c);
    }

    /** Wraps weights read back from elsewhere; sizes are checked. */
    public static SasRecModel of(Vocabulary vocabulary, int dim, int maxLen, int blocks, Map<String, float[]> params) {
        return new SasRecModel(vocabulary, dim, maxLen, blocks, new LinkedHashMap<>(params));
    }
}
