package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.Map;

import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.model.RecModel;

/**
 * What every trained model's factory shares: {@link #fit} trains the final model on all training data
 * with the selection's choices ({@link #train}), exports it into an artifact and scores it through
 * ONNX Runtime, exactly as the streams app will serve it. Subclasses say how to select and train.
 */
public abstract class TrainedModelFactory implements ScorerFactory {

    /** The selection's epoch count, the refit's length. */
    public static final String EPOCHS = "epochs";

    private final String name;
    private final SessionSettings onnx;
    private final Path artifactDir;

    /**
     * @param artifactDir where the final model's artifact is written (an empty or new directory)
     */
    protected TrainedModelFactory(String name, SessionSettings onnx, Path artifactDir) {
        this.name = name;
        this.onnx = onnx;
        this.artifactDir = artifactDir;
    }

    @Override
    public final String name() {
        return name;
    }

    /** The final model, trained on all of {@code train} with what {@code selection} chose. */
    protected abstract RecModel train(EventLog train, Selection selection);

    /** The selected epoch count, or {@code fallback} when nothing was selected. */
    protected static int epochs(Selection selection, int fallback) {
        return selection.choices().containsKey(EPOCHS) ? selection.intChoice(EPOCHS) : fallback;
    }

    @Override
    public final Scorer fit(EventLog train, Catalogue catalogue, Selection selection) {
        RecModel model = train(train, selection);
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata(name, "evaluate",
                new ModelManifest.TrainedOn(train.minTimestamp(), train.maxTimestamp(), train.eventCount(), train.source()),
                Map.of()), System.currentTimeMillis(), artifactDir);
        return new OnnxScorer(artifact, new SessionFactory(onnx), name);
    }
}
