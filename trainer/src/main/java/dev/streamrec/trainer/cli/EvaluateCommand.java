package dev.streamrec.trainer.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.trainer.data.CsvEventSource;
import dev.streamrec.trainer.data.HoldoutSplit;
import dev.streamrec.trainer.data.MovieLensSplit;
import dev.streamrec.trainer.data.Split;
import dev.streamrec.trainer.eval.CooccurrenceScorer;
import dev.streamrec.trainer.eval.Evaluator;
import dev.streamrec.trainer.eval.Metrics;
import dev.streamrec.trainer.eval.OnnxScorer;
import dev.streamrec.trainer.eval.PopularityScorer;
import dev.streamrec.trainer.eval.Scorer;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.service.ModelTraining;
import dev.streamrec.trainer.train.TrainingSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code trainer evaluate --dataset DIR}: trains on the dataset's training part, exports, and
 * prints the metrics of the exported model (through ONNX Runtime) and of the baselines, all from
 * the same {@link Evaluator} on the same cases.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Trains on a dataset and reports HR@10, NDCG@10 (sampled negatives) and Recall@20, MRR@20 (full "
                + "ranking) for the exported model, scored by ONNX Runtime, and for the popularity and co-occurrence baselines.",
                "--dataset is a MovieLens directory with leave-last-out/{train.rating,test.rating,test.negative} "
                        + "(trained on train.rating in time order, tested on test.rating + test.negative), or an event file "
                        + "split by each user's latest new item with 100 sampled negatives."})
final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--dataset", required = true, description = "Dataset directory or event file.")
    Path dataset;

    @Option(names = "--json", description = "Print the metrics table as JSON on stdout.")
    boolean json;

    @Option(names = "--artifact-out", description = "Keep the exported artifact in this directory (default: a temporary one, deleted).")
    Path artifactOut;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() throws IOException {
        Split split = load(dataset);
        TrainingSettings settings = model.training();
        Split validation = HoldoutSplit.lastNewItem(split.train(), 100, Integer.MAX_VALUE, settings.seed() + 1);
        ModelTraining.Trained trained = ModelTraining.train(model.kind(), settings, model.sasrec(), split.train(),
                validation, null);

        Path dir = artifactOut != null ? artifactOut : Files.createTempDirectory("streamrec-eval-");
        Map<String, Object> report = new LinkedHashMap<>();
        try {
            ModelArtifact artifact = ArtifactWriter.write(trained.model(), new OnnxExporter.Metadata(model.modelName,
                    "evaluate", new ModelManifest.TrainedOn(split.train().minTimestamp(), split.train().maxTimestamp(),
                    split.train().eventCount(), split.train().source()), Map.of()), System.currentTimeMillis(), dir);
            Evaluator evaluator = new Evaluator();
            Map<String, Object> models = new LinkedHashMap<>();
            try (Scorer onnx = new OnnxScorer(artifact, model.pipeline(false).onnx(), "model")) {
                models.put("model", evaluator.evaluate(onnx, split.holdout(), "evaluating model (ONNX Runtime)").asMap());
            }
            for (Scorer baseline : new Scorer[] {new PopularityScorer(split.train()),
                    new CooccurrenceScorer(split.train(), 10, 0.8f)}) {
                models.put(baseline.name(), evaluator.evaluate(baseline, split.holdout(), "evaluating " + baseline.name()).asMap());
            }
            report.put("dataset", dataset.toString());
            report.put("cases", split.holdout().size());
            report.put("protocol", "leave-last-out; sampled: rank among the case's negatives, ties count half; "
                    + "full: top-20 over all items minus the user's history");
            report.put("model_scored_by", "ONNX Runtime on " + artifact.modelFile().getFileName());
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("seconds", trained.millis() / 1000.0);
            training.put("examples", trained.examples());
            training.put("best_epoch", trained.bestEpoch());
            training.put("epochs_run", trained.epochsRun());
            training.put("threads", settings.threads());
            training.put("model", model.kind().name().toLowerCase(Locale.ROOT));
            training.put("settings", model.kind() == ModelTraining.Kind.SASREC ? model.sasrec() : settings);
            report.put("training", training);
            report.put("metrics", models);
        } finally {
            if (artifactOut == null) {
                deleteTree(dir);
            }
        }
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            printTable(report);
        }
        return 0;
    }

    private static Split load(Path dataset) {
        if (Files.isDirectory(dataset.resolve("leave-last-out"))) {
            return MovieLensSplit.load(dataset);
        }
        if (Files.isRegularFile(dataset)) {
            return HoldoutSplit.lastNewItem(CsvEventSource.read(dataset), 100, Integer.MAX_VALUE, 1L);
        }
        throw new IllegalArgumentException(dataset + " is neither a MovieLens directory with leave-last-out/ nor an event file");
    }

    @SuppressWarnings("unchecked")
    private static void printTable(Map<String, Object> report) {
        System.out.printf(Locale.ROOT, "%-34s %8s %8s %10s %8s%n", "scorer", "HR@10", "NDCG@10", "Recall@20", "MRR@20");
        ((Map<String, Map<String, Double>>) report.get("metrics")).forEach((name, m) -> System.out.printf(Locale.ROOT,
                "%-34s %8.4f %8.4f %10.4f %8.4f%n", name, m.get(Metrics.HR_AT_10), m.get(Metrics.NDCG_AT_10),
                m.get(Metrics.RECALL_AT_20), m.get(Metrics.MRR_AT_20)));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to delete temporary artifact " + dir, e);
        }
    }
}
