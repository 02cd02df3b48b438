package dev.streamrec.trainer.service;

import java.util.List;
import java.util.Locale;

import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Split;
import dev.streamrec.trainer.eval.Evaluator;
import dev.streamrec.trainer.eval.ExclusionPolicy;
import dev.streamrec.trainer.eval.HybridWeight;
import dev.streamrec.trainer.model.RecModel;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.seq.SasRecSettings;
import dev.streamrec.trainer.seq.SasRecTrainer;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way a model is trained, for {@code train}, {@code evaluate}, the service and {@code dev}:
 * choose the epoch count on a validation split (each user's last new item of the training data held
 * out), then refit on all the training data for that many epochs, so the published model learns from
 * exactly the data the baselines count.
 */
public final class ModelTraining {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTraining.class);

    /** Which model to train. */
    public enum Kind {
        /** Recency-pooled embeddings (hand-written gradients, {@code train} package). */
        POOLING,
        /** Causal self-attention (DJL, {@code seq} package). */
        SASREC,
        /** The pooling model plus an in-graph item-to-item table, its mixture chosen on validation ({@code HybridWeight}). */
        HYBRID;

        public static Kind parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown model '" + s + "': use pooling, hybrid or sasrec", e);
            }
        }
    }

    /**
     * What training produced.
     *
     * @param bestEpoch      epochs chosen on validation (the refit's length)
     * @param epochsRun      epochs run in all, validation run and refit together
     * @param validationNdcg the metric early stopping watched at the best epoch (pooling: sampled NDCG@10;
     *                       sasrec: full-ranking NDCG@10)
     */
    public record Trained(RecModel model, Kind kind, int bestEpoch, int epochsRun, double validationNdcg, long examples,
                          long millis) {
    }

    private ModelTraining() {
    }

    /**
     * @param all        every training event (the refit's data)
     * @param validation a split of {@code all} for early stopping
     * @param warmStart  pooling only: a previous model whose known items keep their weights, or null
     */
    public static Trained train(Kind kind, TrainingSettings pooling, SasRecSettings sasrec, EventLog all, Split validation,
                                SeqRecModel warmStart) {
        return switch (kind) {
            case SASREC -> {
                if (warmStart != null) {
                    LOG.info("sasrec trains from scratch: warm start applies to the pooling model only");
                }
                SasRecTrainer.Result r = new SasRecTrainer(sasrec).train(all, validation);
                yield new Trained(r.model(), kind, r.bestEpoch(), r.epochsRun(), r.validationNdcg(), r.examples(), r.millis());
            }
            case POOLING, HYBRID -> {
                long started = System.nanoTime();
                Trainer.Result chosen = new Trainer(pooling).train(validation.train(), validation.holdout(), warmStart);
                if (validation.holdout().isEmpty() || chosen.bestEpoch() == 0) {
                    yield new Trained(chosen.model(), kind, chosen.bestEpoch(), chosen.epochsRun(), chosen.validationNdcg(),
                            chosen.examples(), chosen.millis());
                }
                LOG.info("refit on all {} events for {} epochs", all.eventCount(), chosen.bestEpoch());
                Trainer.Result refit = new Trainer(pooling.withMaxEpochs(chosen.bestEpoch())).train(all, List.of(), warmStart);
                RecModel model = refit.model();
                if (kind == Kind.HYBRID) {
                    HybridWeight w = HybridWeight.choose(chosen.model(), validation.train(), validation.holdout(),
                            new Evaluator(ExclusionPolicy.HISTORY, pooling.threads()), pooling.ease(),
                            pooling.easeDense());
                    LOG.info("hybrid: mixture {} (validation full NDCG@10 by mixture: {})", w.mix(), w.tried());
                    model = w.apply(refit.model(), all);
                }
                yield new Trained(model, kind, chosen.bestEpoch(), chosen.epochsRun() + refit.epochsRun(),
                        chosen.validationNdcg(), refit.examples(), (System.nanoTime() - started) / 1_000_000);
            }
        };
    }
}
