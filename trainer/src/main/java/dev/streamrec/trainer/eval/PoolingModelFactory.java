package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.model.RecModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pooling model ({@link Trainer}) as an evaluated scorer: the number of epochs is chosen by
 * early stopping on the validation split, then the model is trained again from scratch on all
 * training data for that many epochs, exported, and scored through ONNX Runtime.
 */
public final class PoolingModelFactory extends TrainedModelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(PoolingModelFactory.class);

    private final TrainingSettings settings;

    public PoolingModelFactory(String name, TrainingSettings settings, SessionSettings onnx, Path artifactDir) {
        super(name, onnx, artifactDir);
        this.settings = settings;
    }

    @Override
    public String description() {
        return "pooling model (dim " + settings.dim() + ", " + settings.maxHistory() + " events), epochs chosen on "
                + "validation, refit on all training data, scored by ONNX Runtime";
    }

    @Override
    public Selection select(Splits splits, Evaluator evaluator) {
        Trainer.Result r = new Trainer(settings).train(splits.selection().train(), splits.selection().holdout(), null);
        Metrics validation = evaluator.evaluate(new ModelScorer(r.model()), splits.selection().holdout());
        LOG.info("selected {} epochs (ran {}, {} ms); validation {}", r.bestEpoch(), r.epochsRun(), r.millis(),
                validation.asMap());
        return new Selection(Map.of(EPOCHS, r.bestEpoch(), "epochs_run", r.epochsRun(),
                "selection_seconds", r.millis() / 1000.0), validation);
    }

    @Override
    protected RecModel train(EventLog train, Selection selection) {
        Trainer.Result r = new Trainer(settings.withMaxEpochs(epochs(selection, settings.maxEpochs())))
                .train(train, List.of(), null);
        LOG.info("final model: {} epochs on {} examples in {} ms", r.epochsRun(), r.examples(), r.millis());
        return r.model();
    }
}
