package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hybrid model ({@link HybridModel}) as an evaluated scorer. Selection: the pooling model's
 * epochs by early stopping, then the co-occurrence table and its weight ({@link HybridWeight}); fit:
 * the pooling model trained again on all training data, the table counted from all training data,
 * exported, scored through ONNX Runtime.
 */
public final class HybridModelFactory implements ScorerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HybridModelFactory.class);

    public static final String EPOCHS = PoolingModelFactory.EPOCHS;
    public static final String SYMMETRIC = "symmetric";
    public static final String SCALE = "scale";

    private final String name;
    private final TrainingSettings settings;
    private final SessionSettings onnx;
    private final Path artifactDir;

    public HybridModelFactory(String name, TrainingSettings settings, SessionSettings onnx, Path artifactDir) {
        this.name = name;
        this.settings = settings;
        this.onnx = onnx;
        this.artifactDir = artifactDir;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "hybrid: pooling model (dim " + settings.dim() + ", " + settings.maxHistory() + " events) + co-occurrence "
                + "table (top " + HybridWeight.NEIGHBOURS + " neighbours, last " + CoVisitations.WINDOW + " events, decay "
                + CoVisitations.DECAY + "); epochs, table and weight chosen on validation, refit on all training data, "
                + "scored by ONNX Runtime";
    }

    @Override
    public Selection select(Splits splits, Evaluator evaluator) {
        Trainer.Result r = new Trainer(settings).train(splits.selection().train(), splits.selection().holdout(), null);
        HybridWeight w = HybridWeight.choose(r.model(), splits.selection().train(), splits.selection().holdout(), evaluator);
        Metrics validation = evaluator.evaluate(new HybridScorer(w.apply(r.model(), splits.selection().train())),
                splits.selection().holdout());
        LOG.info("selected {} epochs, {} co-occurrence at weight {}; validation {}", r.bestEpoch(),
                w.symmetric() ? "symmetric" : "directed", w.scale(), validation.asMap());
        Map<String, Object> choices = new LinkedHashMap<>();
        choices.put(EPOCHS, r.bestEpoch());
        choices.put("epochs_run", r.epochsRun());
        choices.put(SYMMETRIC, w.symmetric());
        choices.put(SCALE, w.scale());
        choices.put("validation_ndcg_at_10_by_weight", w.tried());
        return new Selection(choices, validation);
    }

    @Override
    public Scorer fit(EventLog train, Catalogue catalogue, Selection selection) {
        int epochs = selection.choices().containsKey(EPOCHS) ? selection.intChoice(EPOCHS) : settings.maxEpochs();
        boolean symmetric = Boolean.TRUE.equals(selection.choices().get(SYMMETRIC));
        double scale = selection.choices().get(SCALE) instanceof Number n ? n.doubleValue() : 0.0;
        Trainer.Result r = new Trainer(settings.withMaxEpochs(epochs)).train(train, List.of(), null);
        HybridModel model = new HybridWeight(symmetric, scale, Map.of()).apply(r.model(), train);
        LOG.info("final model: {} epochs on {} examples in {} ms", r.epochsRun(), r.examples(), r.millis());
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata(name, "evaluate",
                new ModelManifest.TrainedOn(train.minTimestamp(), train.maxTimestamp(), train.eventCount(), train.source()),
                Map.of()), System.currentTimeMillis(), artifactDir);
        return new OnnxScorer(artifact, new SessionFactory(onnx), name);
    }
}
