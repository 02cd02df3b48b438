package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hybrid model ({@link HybridModel}) as an evaluated scorer. Selection: the pooling model's
 * epochs by early stopping, then the co-occurrence table (directed or symmetric) and its weight by
 * full-ranking NDCG@10 of the validation cases; fit: the pooling model trained again on all
 * training data, the table counted from all training data, exported, scored through ONNX Runtime.
 */
public final class HybridModelFactory implements ScorerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HybridModelFactory.class);

    public static final String EPOCHS = PoolingModelFactory.EPOCHS;
    public static final String SYMMETRIC = "symmetric";
    public static final String SCALE = "scale";
    /** Largest weight of the co-occurrence signal tried on validation. */
    static final double MAX_SCALE = 1024;
    /** Validation cases used to choose the weight (a stride sample when there are more). */
    static final int SELECTION_CASES = 5_000;

    private final String name;
    private final TrainingSettings settings;
    private final int neighbours;
    private final SessionSettings onnx;
    private final Path artifactDir;

    public HybridModelFactory(String name, TrainingSettings settings, int neighbours, SessionSettings onnx,
                              Path artifactDir) {
        this.name = name;
        this.settings = settings;
        this.neighbours = neighbours;
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
                + "(top " + neighbours + " neighbours, last " + CoVisitations.WINDOW + " events, decay "
                + CoVisitations.DECAY + "), epochs, table and weight chosen on validation, refit on all training data, "
                + "scored by ONNX Runtime";
    }

    @Override
    public Selection select(Splits splits, Evaluator evaluator) {
        Trainer.Result r = new Trainer(settings).train(splits.selection().train(), splits.selection().holdout(), null);
        List<EvalCase> cases = sample(splits.selection().holdout(), SELECTION_CASES);
        boolean bestSymmetric = false;
        double bestScale = 0;
        double best = Double.NEGATIVE_INFINITY;
        Map<String, Object> tried = new LinkedHashMap<>();
        for (boolean symmetric : new boolean[] {false, true}) {
            CoVisitation table = CoVisitations.build(splits.selection().train(), r.model().vocabulary, symmetric,
                    neighbours, 1.0);
            // 0 (the model alone), then doubling from 1 while validation NDCG@10 improves.
            double previous = Double.NEGATIVE_INFINITY;
            for (double scale = symmetric ? 1 : 0; scale <= MAX_SCALE; scale = scale == 0 ? 1 : scale * 2) {
                Metrics m = evaluator.evaluate(new HybridScorer(new HybridModel(r.model(), table.scaled(scale))), cases);
                String key = (symmetric ? "symmetric" : "directed") + "@" + scale;
                tried.put(key, Math.round(m.fullNdcgAt10() * 1e4) / 1e4);
                LOG.info("{}: validation full NDCG@10 {}, HR@20 {}", key, m.fullNdcgAt10(), m.fullHrAt20());
                if (m.fullNdcgAt10() > best) {
                    best = m.fullNdcgAt10();
                    bestSymmetric = symmetric;
                    bestScale = scale;
                }
                if (scale > 0 && m.fullNdcgAt10() <= previous) {
                    break;
                }
                previous = m.fullNdcgAt10();
            }
        }
        CoVisitation chosen = CoVisitations.build(splits.selection().train(), r.model().vocabulary, bestSymmetric,
                neighbours, bestScale);
        Metrics validation = evaluator.evaluate(new HybridScorer(new HybridModel(r.model(), chosen)),
                splits.selection().holdout());
        LOG.info("selected {} epochs, {} co-occurrence at weight {}; validation {}", r.bestEpoch(),
                bestSymmetric ? "symmetric" : "directed", bestScale, validation.asMap());
        Map<String, Object> choices = new LinkedHashMap<>();
        choices.put(EPOCHS, r.bestEpoch());
        choices.put("epochs_run", r.epochsRun());
        choices.put(SYMMETRIC, bestSymmetric);
        choices.put(SCALE, bestScale);
        choices.put("validation_ndcg_at_10_by_weight", tried);
        return new Selection(choices, validation);
    }

    @Override
    public Scorer fit(EventLog train, Catalogue catalogue, Selection selection) {
        int epochs = selection.choices().containsKey(EPOCHS) ? selection.intChoice(EPOCHS) : settings.maxEpochs();
        boolean symmetric = Boolean.TRUE.equals(selection.choices().get(SYMMETRIC));
        double scale = selection.choices().get(SCALE) instanceof Number n ? n.doubleValue() : 4.0;
        Trainer.Result r = new Trainer(settings.withMaxEpochs(epochs)).train(train, List.of(), null);
        HybridModel model = new HybridModel(r.model(), CoVisitations.build(train, r.model().vocabulary, symmetric,
                neighbours, scale));
        LOG.info("final model: {} epochs on {} examples in {} ms", r.epochsRun(), r.examples(), r.millis());
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata(name, "evaluate",
                new ModelManifest.TrainedOn(train.minTimestamp(), train.maxTimestamp(), train.eventCount(), train.source()),
                Map.of()), System.currentTimeMillis(), artifactDir);
        return new OnnxScorer(artifact, new SessionFactory(onnx), name);
    }

    /** Every k-th case, at most {@code max}. */
    static List<EvalCase> sample(List<EvalCase> cases, int max) {
        if (cases.size() <= max) {
            return cases;
        }
        List<EvalCase> out = new ArrayList<>(max);
        double step = cases.size() / (double) max;
        for (int i = 0; i < max; i++) {
            out.add(cases.get((int) (i * step)));
        }
        return out;
    }

}
