package dev.streamrec.trainer.model;

import java.util.Arrays;

/** Gradients of every weight of a {@link SeqRecModel}: dense for the small tensors, sparse rows for the item tables. */
public final class Gradients {

    public final SparseRows itemIn;
    public final SparseRows itemOut;
    public final SparseRows itemBias;
    public final float[] position;
    public final float[] typeWeight;
    public final float[] ageWeight;
    public final float[] dense;
    public final float[] denseBias;

    public Gradients(SeqRecModel m) {
        int rows = m.vocabulary.rows();
        itemIn = new SparseRows(rows, m.dim);
        itemOut = new SparseRows(rows, m.dim);
        itemBias = new SparseRows(rows, 1);
        position = new float[m.position.length];
        typeWeight = new float[m.typeWeight.length];
        ageWeight = new float[m.ageWeight.length];
        dense = new float[m.dense.length];
        denseBias = new float[m.denseBias.length];
    }

    public void addAll(Gradients o) {
        itemIn.addAll(o.itemIn);
        itemOut.addAll(o.itemOut);
        itemBias.addAll(o.itemBias);
        add(position, o.position);
        add(typeWeight, o.typeWeight);
        add(ageWeight, o.ageWeight);
        add(dense, o.dense);
        add(denseBias, o.denseBias);
    }

    public void clear() {
        itemIn.clear();
        itemOut.clear();
        itemBias.clear();
        for (float[] a : new float[][] {position, typeWeight, ageWeight, dense, denseBias}) {
            Arrays.fill(a, 0f);
        }
    }

    private static void add(float[] to, float[] from) {
        for (int i = 0; i < to.length; i++) {
            to[i] += from[i];
        }
    }
}
