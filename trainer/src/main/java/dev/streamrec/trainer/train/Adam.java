package dev.streamrec.trainer.train;

import dev.streamrec.trainer.model.Gradients;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.SparseRows;

/**
 * Adam with plain L2 (added to the gradient, not decoupled) and lazy updates of the item
 * tables: only rows a batch touched move, with the global step's bias correction. Lazy Adam is the
 * usual choice for embeddings: a dense update would cost the whole table per step and drag rare
 * items with stale momentum.
 */
final class Adam {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final float learningRate;
    private final float l2;
    private final State itemIn;
    private final State itemOut;
    private final State itemBias;
    private final State position;
    private final State typeWeight;
    private final State ageWeight;
    private final State dense;
    private final State denseBias;
    private int step;

    private record State(float[] m, float[] v) {
        State(int n) {
            this(new float[n], new float[n]);
        }
    }

    Adam(SeqRecModel model, float learningRate, float l2) {
        this.learningRate = learningRate;
        this.l2 = l2;
        itemIn = new State(model.itemIn.length);
        itemOut = new State(model.itemOut.length);
        itemBias = new State(model.itemBias.length);
        position = new State(model.position.length);
        typeWeight = new State(model.typeWeight.length);
        ageWeight = new State(model.ageWeight.length);
        dense = new State(model.dense.length);
        denseBias = new State(model.denseBias.length);
    }

    /** One update with gradients {@code g} (already averaged over the batch); frozen groups stay put. */
    void step(SeqRecModel model, Gradients g, boolean learnWeights, boolean learnDense, boolean learnBias) {
        step++;
        float c1 = 1f - (float) Math.pow(BETA1, step);
        float c2 = 1f - (float) Math.pow(BETA2, step);
        float alpha = learningRate * (float) Math.sqrt(c2) / c1;
        sparse(model.itemIn, itemIn, g.itemIn, alpha);
        sparse(model.itemOut, itemOut, g.itemOut, alpha);
        if (learnBias) {
            sparse(model.itemBias, itemBias, g.itemBias, alpha);
        }
        if (learnWeights) {
            dense(model.position, position, g.position, alpha);
            dense(model.typeWeight, typeWeight, g.typeWeight, alpha);
            dense(model.ageWeight, ageWeight, g.ageWeight, alpha);
        }
        if (learnDense) {
            dense(model.dense, dense, g.dense, alpha);
            dense(model.denseBias, denseBias, g.denseBias, alpha);
        }
    }

    private void sparse(float[] w, State s, SparseRows g, float alpha) {
        int width = g.width();
        float[] gv = g.values();
        for (int i = 0; i < g.count(); i++) {
            int row = g.row(i);
            if (row == 0) {
                continue; // the unknown / padding row stays as it is (zero input embedding)
            }
            int off = row * width;
            int go = i * width;
            for (int k = 0; k < width; k++) {
                update(w, s, off + k, gv[go + k], alpha);
            }
        }
    }

    private void dense(float[] w, State s, float[] g, float alpha) {
        for (int i = 0; i < w.length; i++) {
            update(w, s, i, g[i], alpha);
        }
    }

    private void update(float[] w, State s, int i, float grad, float alpha) {
        float gr = grad + l2 * w[i];
        float m = s.m[i] = BETA1 * s.m[i] + (1f - BETA1) * gr;
        float v = s.v[i] = BETA2 * s.v[i] + (1f - BETA2) * gr * gr;
        w[i] -= alpha * m / ((float) Math.sqrt(v) + EPS);
    }
}
