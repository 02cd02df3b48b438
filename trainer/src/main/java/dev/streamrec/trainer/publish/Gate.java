package dev.streamrec.trainer.publish;

import java.util.Locale;
import java.util.Optional;

import dev.streamrec.trainer.eval.Metrics;

/**
 * Publishes a new model unless it is worse than the current one by more than {@code tolerance}
 * (absolute, on {@code metric}), both measured through ONNX Runtime on the same holdout. Without a
 * current model the new one passes, provided its metric is a number.
 *
 * @param metric    a {@link Metrics} key, e.g. {@link Metrics#NDCG_AT_10}
 * @param tolerance how much worse is still acceptable (noise on small holdouts), e.g. 0.01
 */
public record Gate(String metric, double tolerance) {

    /** What the gate decided and why, in words for the log. */
    public record Decision(boolean publish, String reason) {
    }

    public static Gate defaults() {
        return new Gate(Metrics.NDCG_AT_10, 0.01);
    }

    public Decision decide(Metrics candidate, Optional<Metrics> current) {
        double next = candidate.get(metric);
        if (Double.isNaN(next)) {
            return new Decision(false, metric + " of the new model is not a number");
        }
        if (current.isEmpty()) {
            return new Decision(true, String.format(Locale.ROOT, "no current model; new %s = %.4f", metric, next));
        }
        double now = current.get().get(metric);
        String figures = String.format(Locale.ROOT, "%s new %.4f vs current %.4f (tolerance %.4f)", metric, next, now, tolerance);
        return next >= now - tolerance
                ? new Decision(true, "not worse beyond tolerance: " + figures)
                : new Decision(false, "worse beyond tolerance: " + figures);
    }
}
