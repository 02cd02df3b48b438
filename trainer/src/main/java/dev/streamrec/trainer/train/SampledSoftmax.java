package dev.streamrec.trainer.train;

import dev.streamrec.trainer.model.Gradients;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.SeqRecModel;

/**
 * The loss of one example: softmax cross-entropy of the target against shared uniform negatives,
 * {@code -s(target) + log(exp s(target) + sum_k exp s(neg_k))}. With uniform sampling no log-q
 * correction is needed (it is the same constant for every item), and the item bias ends up
 * learning popularity, which is what the negatives of the evaluation protocol reward.
 */
final class SampledSoftmax {

    private final float[] logits;
    private final float[] gU;

    SampledSoftmax(int negatives, int dim) {
        logits = new float[negatives + 1];
        gU = new float[dim];
    }

    /**
     * Forward and backward for one example; adds {@code scale} times the gradient into {@code g}.
     *
     * @return the example's loss
     */
    double step(SeqRecModel model, History hist, int target, int[] negatives, float scale, SeqRecModel.Workspace ws,
                Gradients g) {
        model.encode(hist, ws);
        float[] u = ws.u;
        logits[0] = model.score(u, target);
        float max = logits[0];
        for (int k = 0; k < negatives.length; k++) {
            // A negative that is the target is not a negative: mask it out of the softmax.
            logits[k + 1] = negatives[k] == target ? Float.NEGATIVE_INFINITY : model.score(u, negatives[k]);
            max = Math.max(max, logits[k + 1]);
        }
        double sum = 0;
        for (int k = 0; k < logits.length; k++) {
            logits[k] = (float) Math.exp(logits[k] - max);
            sum += logits[k];
        }
        double loss = -Math.log(logits[0] / sum);
        int d = model.dim;
        java.util.Arrays.fill(gU, 0f);
        for (int k = 0; k < logits.length; k++) {
            float gs = (float) (logits[k] / sum) - (k == 0 ? 1f : 0f);
            if (gs == 0f) {
                continue;
            }
            gs *= scale;
            int item = k == 0 ? target : negatives[k - 1];
            int off = item * d;
            int go = g.itemOut.offset(item);
            float[] gOut = g.itemOut.values();
            for (int j = 0; j < d; j++) {
                gU[j] += gs * model.itemOut[off + j];
                gOut[go + j] += gs * u[j];
            }
            // offset() first: it may grow the array that values() returns.
            int bo = g.itemBias.offset(item);
            g.itemBias.values()[bo] += gs;
        }
        model.backward(hist, ws, gU, g);
        return loss;
    }
}
