package dev.streamrec.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import dev.streamrec.trainer.model.AgeBuckets;
import dev.streamrec.trainer.model.Gradients;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.SparseRows;
import dev.streamrec.trainer.model.Vocabulary;
import org.junit.jupiter.api.Test;

/** The hand-written backward pass against central finite differences, for every weight tensor. */
class GradientCheckTest {

    private static final float EPS = 1e-2f;

    @Test
    void analyticGradientsMatchFiniteDifferencesForEveryWeight() {
        // given a small model with non-trivial weights and one example
        SeqRecModel model = SeqRecModel.initialise(new Vocabulary(List.of("a", "b", "c", "d", "e", "f", "g")), 5, 4,
                AgeBuckets.DEFAULT_BOUNDARIES, 3L);
        SplittableRandom random = new SplittableRandom(5);
        for (float[] w : List.of(model.itemIn, model.itemOut, model.dense)) {
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian() * 0.5f;
            }
        }
        java.util.Arrays.fill(model.itemIn, 0, model.dim, 0f); // row 0 stays the zero "unknown" row
        for (int i = 0; i < model.itemBias.length; i++) {
            model.itemBias[i] = (float) random.nextGaussian() * 0.3f;
        }
        model.typeWeight[2] = 1.3f;
        model.ageWeight[1] = 0.7f;
        History hist = new History(model.maxHistory);
        hist.add(3, 4, 0);
        hist.add(0, 2, 1); // an unknown item: must get and give no gradient
        hist.add(5, 2, 1);
        hist.add(3, 1, 4);
        int target = 2;
        int[] negatives = {1, 4, 6, 2, 7};
        SampledSoftmax loss = new SampledSoftmax(negatives.length, model.dim);
        SeqRecModel.Workspace ws = new SeqRecModel.Workspace(model);

        // when the analytic gradient is computed
        Gradients g = new Gradients(model);
        loss.step(model, hist, target, negatives, 1f, ws, g);

        // then each tensor's gradient matches (f(w + eps) - f(w - eps)) / 2 eps
        Function<Void, Double> f = v -> loss.step(model, hist, target, negatives, 1f, ws, new Gradients(model));
        // Row 0 of itemIn is the constant zero "unknown" row, outside the trained parameters.
        checkSparse("itemIn", model.itemIn, g.itemIn, f, model.dim);
        checkSparse("itemOut", model.itemOut, g.itemOut, f, 0);
        checkSparse("itemBias", model.itemBias, g.itemBias, f, 0);
        checkDense("position", model.position, g.position, f);
        checkDense("typeWeight", model.typeWeight, g.typeWeight, f);
        checkDense("ageWeight", model.ageWeight, g.ageWeight, f);
        checkDense("dense", model.dense, g.dense, f);
        checkDense("denseBias", model.denseBias, g.denseBias, f);
        assertThat(g.itemIn.count()).as("rows of itemIn touched: the two distinct known history items").isEqualTo(2);
    }

    private static void checkDense(String name, float[] w, float[] grad, Function<Void, Double> f) {
        checkDense(name, w, grad, f, 0);
    }

    private static void checkDense(String name, float[] w, float[] grad, Function<Void, Double> f, int from) {
        for (int i = from; i < w.length; i++) {
            assertClose(name + "[" + i + "]", numeric(w, i, f), grad[i]);
        }
    }

    private static void checkSparse(String name, float[] w, SparseRows grad, Function<Void, Double> f, int from) {
        int width = grad.width();
        float[] dense = new float[w.length];
        for (int i = 0; i < grad.count(); i++) {
            System.arraycopy(grad.values(), i * width, dense, grad.row(i) * width, width);
        }
        checkDense(name, w, dense, f, from);
    }

    private static double numeric(float[] w, int i, Function<Void, Double> f) {
        float saved = w[i];
        w[i] = saved + EPS;
        double up = f.apply(null);
        w[i] = saved - EPS;
        double down = f.apply(null);
        w[i] = saved;
        return (up - down) / (2 * EPS);
    }

    private static void assertClose(String what, double numeric, double analytic) {
        double tolerance = 2e-3 + 2e-2 * Math.abs(numeric);
        assertThat(Math.abs(numeric - analytic))
                .as("%s: numeric %s vs analytic %s", what, numeric, analytic)
                .isLessThanOrEqualTo(tolerance);
    }
}
