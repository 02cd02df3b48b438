package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.Map;

import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.model.RecModel;
import dev.streamrec.trainer.seq.SasRecSettings;
import dev.streamrec.trainer.seq.SasRecTrainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-attention model ({@link SasRecTrainer}) as an evaluated scorer, in the same flow as
 * {@link PoolingModelFactory}: epochs chosen by early stopping on full-ranking NDCG@10 of the
 * validation split, then trained again from scratch on all training data for that many epochs,
 * exported, and scored through ONNX Runtime.
 */
public final class SasRecModelFactory extends TrainedModelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(SasRecModelFactory.class);

    private final SasRecSettings settings;

    public SasRecModelFactory(String name, SasRecSettings settings, SessionSettings onnx, Path artifactDir) {
        super(name, onnx, artifactDir);
        this.settings = settings;
    }

    @Override
    public String description() {
        return "sasrec model (dim " + settings.dim() + ", " + settings.blocks() + " blocks, " + settings.maxLen()
                + " events, " + (settings.negatives() > 0 ? settings.negatives() + " sampled negatives" : "full softmax")
                + "), epochs chosen on validation full NDCG@10, refit on all training data, scored by ONNX Runtime";
    }

    @Override
    public Selection select(Splits splits, Evaluator evaluator) {
        SasRecSettings noRefit = settings.withSchedule(settings.maxEpochs(), settings.patience(), settings.maxSeconds(),
                false);
        SasRecTrainer.Result r = new SasRecTrainer(noRefit).train(splits.selection().train(), splits.selection());
        LOG.info("selected {} epochs (ran {}, {} ms); validation full NDCG@10 {}", r.bestEpoch(), r.epochsRun(),
                r.millis(), r.validationNdcg());
        return new Selection(Map.of(EPOCHS, r.bestEpoch(), "epochs_run", r.epochsRun(),
                "selection_seconds", r.millis() / 1000.0, "validation_full_ndcg_at_10", r.validationNdcg()), null);
    }

    @Override
    protected RecModel train(EventLog train, Selection selection) {
        SasRecTrainer.Result r = new SasRecTrainer(settings.withMaxEpochs(Math.max(1, epochs(selection, settings.maxEpochs()))))
                .train(train, null);
        LOG.info("final model: {} epochs on {} examples in {} ms", r.epochsRun(), r.examples(), r.millis());
        return r.model();
    }
}
