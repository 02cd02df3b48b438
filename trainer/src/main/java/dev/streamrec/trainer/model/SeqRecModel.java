package dev.streamrec.trainer.model;

import java.util.SplittableRandom;

import dev.streamrec.model.ModelContract;

/**
 * Recency- and type-weighted pooling of item embeddings, a residual ReLU layer, and a dot product
 * with output item embeddings plus an item bias:
 * <pre>
 *   w_j   = position[j] * typeWeight[type_j] * ageWeight[bucket(age_j)]      (j = 0 is the latest event)
 *   h     = sum_j w_j * itemIn[item_j]
 *   u     = h + relu(h * dense + denseBias)
 *   s(i)  = u . itemOut[i] + itemBias[i]
 * </pre>
 * Tables have {@code vocabulary.rows()} rows; row 0 (unknown or padding) of {@code itemIn} is zero
 * and is never trained, so such slots add nothing to {@code h}. All arrays are row-major and public:
 * the trainer updates them in place and the exporter copies them into the graph.
 */
public final class SeqRecModel implements RecModel {

    public final Vocabulary vocabulary;
    public final int dim;
    public final int maxHistory;
    public final float[] ageBoundaries;

    public final float[] itemIn;
    public final float[] itemOut;
    public final float[] itemBias;
    public final float[] position;
    public final float[] typeWeight;
    public final float[] ageWeight;
    public final float[] dense;
    public final float[] denseBias;

    private SeqRecModel(Vocabulary vocabulary, int dim, int maxHistory, float[] ageBoundaries, float[] itemIn,
                        float[] itemOut, float[] itemBias, float[] position, float[] typeWeight, float[] ageWeight,
                        float[] dense, float[] denseBias) {
        this.vocabulary = vocabulary;
        this.dim = dim;
        this.maxHistory = maxHistory;
        this.ageBoundaries = ageBoundaries;
        this.itemIn = itemIn;
        this.itemOut = itemOut;
        this.itemBias = itemBias;
        this.position = position;
        this.typeWeight = typeWeight;
        this.ageWeight = ageWeight;
        this.dense = dense;
        this.denseBias = denseBias;
    }

    /** Wraps existing weights (e.g. read back from an artifact); sizes are checked. */
    public static SeqRecModel of(Vocabulary vocabulary, int dim, float[] ageBoundaries, float[] itemIn, float[] itemOut,
                                 float[] itemBias, float[] position, float[] typeWeight, float[] ageWeight,
                                 float[] dense, float[] denseBias) {
        int rows = vocabulary.rows();
        check(itemIn.length == rows * dim && itemOut.length == rows * dim && itemBias.length == rows,
                "item tables do not match " + rows + " rows x " + dim);
        check(typeWeight.length == ModelContract.TYPE_CODES, "typeWeight needs " + ModelContract.TYPE_CODES + " entries");
        check(ageWeight.length == ageBoundaries.length + 1, "ageWeight needs one entry per bucket");
        check(dense.length == dim * dim && denseBias.length == dim, "dense layer is not " + dim + " x " + dim);
        return new SeqRecModel(vocabulary, dim, position.length, ageBoundaries, itemIn, itemOut, itemBias, position,
                typeWeight, ageWeight, dense, denseBias);
    }

    /** Fresh weights: small random embeddings, the 0.8-per-step recency prior, neutral type and age weights. */
    public static SeqRecModel initialise(Vocabulary vocabulary, int dim, int maxHistory, float[] ageBoundaries, long seed) {
        int rows = vocabulary.rows();
        SplittableRandom random = new SplittableRandom(seed);
        float[] itemIn = new float[rows * dim];
        float[] itemOut = new float[rows * dim];
        initRows(itemIn, dim, 1, rows, random);
        initRows(itemOut, dim, 1, rows, random);
        float[] position = new float[maxHistory];
        for (int j = 0; j < maxHistory; j++) {
            position[j] = (float) Math.pow(0.8, j);
        }
        float[] typeWeight = new float[ModelContract.TYPE_CODES];
        java.util.Arrays.fill(typeWeight, 1, typeWeight.length, 1f);
        float[] ageWeight = new float[ageBoundaries.length + 1];
        java.util.Arrays.fill(ageWeight, 1f);
        float[] dense = new float[dim * dim];
        double scale = 0.5 / Math.sqrt(dim);
        for (int i = 0; i < dense.length; i++) {
            dense[i] = (float) (random.nextGaussian() * scale);
        }
        float[] denseBias = new float[dim];
        java.util.Arrays.fill(denseBias, 0.01f); // a little positive so the ReLU starts alive
        return new SeqRecModel(vocabulary, dim, maxHistory, ageBoundaries.clone(), itemIn, itemOut, new float[rows],
                position, typeWeight, ageWeight, dense, denseBias);
    }

    /**
     * A model over {@code newVocabulary} (which extends this one's) that keeps every known item's
     * weights and gives new items fresh random embeddings and a zero bias: warm start.
     */
    public SeqRecModel warmStart(Vocabulary newVocabulary, long seed) {
        int rows = newVocabulary.rows();
        float[] in = java.util.Arrays.copyOf(itemIn, rows * dim);
        float[] out = java.util.Arrays.copyOf(itemOut, rows * dim);
        float[] bias = java.util.Arrays.copyOf(itemBias, rows);
        for (int r = 1; r < vocabulary.rows(); r++) {
            check(newVocabulary.id(r).equals(vocabulary.id(r)), "warm start needs the old vocabulary as a prefix");
        }
        SplittableRandom random = new SplittableRandom(seed);
        initRows(in, dim, vocabulary.rows(), rows, random);
        initRows(out, dim, vocabulary.rows(), rows, random);
        return new SeqRecModel(newVocabulary, dim, maxHistory, ageBoundaries.clone(), in, out, bias, position.clone(),
                typeWeight.clone(), ageWeight.clone(), dense.clone(), denseBias.clone());
    }

    public SeqRecModel copy() {
        return new SeqRecModel(vocabulary, dim, maxHistory, ageBoundaries.clone(), itemIn.clone(), itemOut.clone(),
                itemBias.clone(), position.clone(), typeWeight.clone(), ageWeight.clone(), dense.clone(), denseBias.clone());
    }

    private static void initRows(float[] table, int dim, int fromRow, int toRow, SplittableRandom random) {
        for (int i = fromRow * dim; i < toRow * dim; i++) {
            table[i] = (float) (random.nextGaussian() * 0.05);
        }
    }

    /** Scratch space of one thread's forward and backward pass. */
    public static final class Workspace {
        final float[] w;
        final float[] h;
        final float[] z;
        public final float[] u;
        final float[] gH;
        final float[] gZ;

        public Workspace(SeqRecModel m) {
            w = new float[m.maxHistory];
            h = new float[m.dim];
            z = new float[m.dim];
            u = new float[m.dim];
            gH = new float[m.dim];
            gZ = new float[m.dim];
        }
    }

    /** Forward pass: leaves the user vector in {@code ws.u} and what backward needs in {@code ws}. */
    public void encode(History hist, Workspace ws) {
        int d = dim;
        float[] h = ws.h;
        java.util.Arrays.fill(h, 0f);
        int n = Math.min(hist.length, maxHistory);
        for (int j = 0; j < n; j++) {
            float w = position[j] * typeWeight[hist.types[j]] * ageWeight[hist.ageBuckets[j]];
            ws.w[j] = w;
            int off = hist.items[j] * d;
            for (int k = 0; k < d; k++) {
                h[k] += w * itemIn[off + k];
            }
        }
        float[] z = ws.z;
        System.arraycopy(denseBias, 0, z, 0, d);
        for (int i = 0; i < d; i++) {
            float hi = h[i];
            int off = i * d;
            for (int k = 0; k < d; k++) {
                z[k] += hi * dense[off + k];
            }
        }
        for (int k = 0; k < d; k++) {
            ws.u[k] = h[k] + Math.max(0f, z[k]);
        }
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
        return maxHistory;
    }

    @Override
    public float itemBias(int row) {
        return itemBias[row];
    }

    @Override
    public float[] ageBoundaries() {
        return ageBoundaries;
    }

    @Override
    public float[] scoreRows(History history) {
        Workspace ws = new Workspace(this);
        encode(history, ws);
        float[] scores = new float[vocabulary.rows()];
        for (int r = 1; r < scores.length; r++) {
            scores[r] = score(ws.u, r);
        }
        return scores;
    }

    public float score(float[] u, int item) {
        int off = item * dim;
        float s = itemBias[item];
        for (int k = 0; k < dim; k++) {
            s += u[k] * itemOut[off + k];
        }
        return s;
    }

    /** Backward pass of {@link #encode} for the gradient {@code gU} of the loss by {@code u}; adds into {@code g}. */
    public void backward(History hist, Workspace ws, float[] gU, Gradients g) {
        int d = dim;
        float[] gZ = ws.gZ;
        float[] gH = ws.gH;
        for (int k = 0; k < d; k++) {
            gZ[k] = ws.z[k] > 0f ? gU[k] : 0f;
            g.denseBias[k] += gZ[k];
        }
        for (int i = 0; i < d; i++) {
            float hi = ws.h[i];
            int off = i * d;
            float acc = gU[i];
            for (int k = 0; k < d; k++) {
                g.dense[off + k] += hi * gZ[k];
                acc += dense[off + k] * gZ[k];
            }
            gH[i] = acc;
        }
        int n = Math.min(hist.length, maxHistory);
        float[] gIn = g.itemIn.values();
        for (int j = 0; j < n; j++) {
            int item = hist.items[j];
            if (item == Vocabulary.UNKNOWN) {
                continue; // zero embedding, never trained: contributes nothing either way
            }
            int off = item * d;
            int go = g.itemIn.offset(item);
            gIn = g.itemIn.values(); // offset() may have grown the array
            float w = ws.w[j];
            float gw = 0f;
            for (int k = 0; k < d; k++) {
                gw += itemIn[off + k] * gH[k];
                gIn[go + k] += w * gH[k];
            }
            float p = position[j];
            float t = typeWeight[hist.types[j]];
            float a = ageWeight[hist.ageBuckets[j]];
            g.position[j] += gw * t * a;
            g.typeWeight[hist.types[j]] += gw * p * a;
            g.ageWeight[hist.ageBuckets[j]] += gw * p * t;
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
