package dev.streamrec.trainer.service;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.streamrec.avro.ModelPublished;
import dev.streamrec.model.ManifestSignature;
import dev.streamrec.avro.TrainingWindow;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.ModelLoadException;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.HoldoutSplit;
import dev.streamrec.trainer.data.Split;
import dev.streamrec.trainer.eval.Evaluator;
import dev.streamrec.trainer.eval.Metrics;
import dev.streamrec.trainer.eval.OnnxScorer;
import dev.streamrec.trainer.export.ArtifactStore;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.ModelReader;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.publish.Gate;
import dev.streamrec.trainer.publish.ModelPublisher;
import dev.streamrec.trainer.seq.SasRecSettings;
import dev.streamrec.trainer.train.Cancellation;
import dev.streamrec.trainer.train.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run, start to finish:
 * <ol>
 *   <li>split the events: each user's latest new-item event is the holdout (up to {@code maxHoldoutUsers}),
 *       and the same rule on what is left gives the validation cases for early stopping;</li>
 *   <li>train the chosen model ({@link ModelTraining}): epochs chosen on the validation cases, then a refit on
 *       all the training data; the pooling model can warm-start from the current artifact;</li>
 *   <li>export to {@code .staging/VERSION}, which replays the golden input through ONNX Runtime;</li>
 *   <li>evaluate the new artifact and the current one through ONNX Runtime on the same holdout;</li>
 *   <li>gate: publish (rename into place, send {@code ModelPublished}) or move to {@code .rejected/}.</li>
 * </ol>
 */
public final class TrainingPipeline {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingPipeline.class);

    /**
     * @param holdoutNegatives  sampled negatives per holdout and validation case (100 as in the literature)
     * @param maxHoldoutUsers   users evaluated per run (keeps evaluation time bounded on big logs)
     * @param warmStart         continue from the current artifact's weights
     * @param signingKey        signs each artifact's manifest ({@link ManifestSignature}); null: unsigned
     * @param keepVersions      published (and rejected) versions kept after a run, besides versions that
     *                          experiments pin; older ones are deleted ({@link ArtifactStore#prune})
     */
    public record Settings(Path artifactRoot, String modelName, ModelTraining.Kind kind, TrainingSettings training,
                           SasRecSettings sasrec, Gate gate, int holdoutNegatives, int maxHoldoutUsers, boolean warmStart,
                           SessionSettings onnx, PrivateKey signingKey, int keepVersions) {

        /** Versions kept by default: hours of `dev`'s retrains, a few weeks of daily ones. */
        public static final int KEEP_VERSIONS = 20;

        public Settings(Path artifactRoot, String modelName, ModelTraining.Kind kind, TrainingSettings training,
                        SasRecSettings sasrec, Gate gate, int holdoutNegatives, int maxHoldoutUsers, boolean warmStart,
                        SessionSettings onnx) {
            this(artifactRoot, modelName, kind, training, sasrec, gate, holdoutNegatives, maxHoldoutUsers, warmStart, onnx,
                    null, KEEP_VERSIONS);
        }

        /** The default model is {@link #DEFAULT_KIND}; see the trainer README for the measurements behind it. */
        public static Settings defaults(Path artifactRoot, String modelName) {
            return new Settings(artifactRoot, modelName, DEFAULT_KIND, TrainingSettings.defaults(), SasRecSettings.defaults(),
                    Gate.defaults(), 100, 5_000, false, SessionSettings.defaults());
        }

        public Settings withSigningKey(PrivateKey key) {
            return new Settings(artifactRoot, modelName, kind, training, sasrec, gate, holdoutNegatives, maxHoldoutUsers,
                    warmStart, onnx, key, keepVersions);
        }

        public Settings withTraining(TrainingSettings t) {
            return new Settings(artifactRoot, modelName, kind, t, sasrec, gate, holdoutNegatives, maxHoldoutUsers, warmStart,
                    onnx, signingKey, keepVersions);
        }

        public Settings withModel(ModelTraining.Kind k, SasRecSettings s) {
            return new Settings(artifactRoot, modelName, k, training, s, gate, holdoutNegatives, maxHoldoutUsers, warmStart,
                    onnx, signingKey, keepVersions);
        }

        public Settings withGate(Gate g) {
            return new Settings(artifactRoot, modelName, kind, training, sasrec, g, holdoutNegatives, maxHoldoutUsers,
                    warmStart, onnx, signingKey, keepVersions);
        }

        public Settings withWarmStart(boolean w) {
            return new Settings(artifactRoot, modelName, kind, training, sasrec, gate, holdoutNegatives, maxHoldoutUsers, w,
                    onnx, signingKey, keepVersions);
        }

        public Settings withKeepVersions(int keep) {
            return new Settings(artifactRoot, modelName, kind, training, sasrec, gate, holdoutNegatives, maxHoldoutUsers,
                    warmStart, onnx, signingKey, keep);
        }

        public Settings withOnnx(SessionSettings s) {
            return new Settings(artifactRoot, modelName, kind, training, sasrec, gate, holdoutNegatives, maxHoldoutUsers,
                    warmStart, s, signingKey, keepVersions);
        }
    }

    /**
     * The model {@code train}, the service and {@code dev} build unless told otherwise: the hybrid, which
     * measured above the pooling model on amazon-beauty, ML-100K and the simulated shoppers (mean of seeds
     * 1-3, trainer README).
     */
    public static final ModelTraining.Kind DEFAULT_KIND = ModelTraining.Kind.HYBRID;

    /**
     * What a run did.
     *
     * @param artifact   where the new artifact ended up (published or rejected directory)
     * @param current    the current model's metrics on the same holdout, when there was one
     */
    public record Outcome(String version, Path artifact, boolean published, String reason, Metrics metrics,
                          Optional<Metrics> current, ModelTraining.Trained training) {
    }

    private final Settings settings;
    private final ModelPublisher publisher;   // null: write artifacts, announce nothing
    private final Clock clock;
    /** One per pipeline: it remembers a failed CUDA provider across training runs. */
    private final SessionFactory sessions;

    public TrainingPipeline(Settings settings, ModelPublisher publisher, Clock clock) {
        this.settings = settings;
        this.sessions = new SessionFactory(settings.onnx());
        this.publisher = publisher;
        this.clock = clock;
    }

    public Outcome run(EventLog events) {
        if (events.eventCount() == 0) {
            throw new IllegalArgumentException("no events to train on from " + events.source());
        }
        long seed = settings.training().seed();
        Split split = HoldoutSplit.lastNewItem(events, settings.holdoutNegatives(), settings.maxHoldoutUsers(), seed);
        Split validation = HoldoutSplit.lastNewItem(split.train(), settings.holdoutNegatives(),
                settings.maxHoldoutUsers(), seed + 1);
        ArtifactStore store = new ArtifactStore(settings.artifactRoot(), settings.modelName());
        Optional<Path> currentDir = store.latest();
        SeqRecModel warm = settings.warmStart() && settings.kind() != ModelTraining.Kind.SASREC ? currentDir.flatMap(TrainingPipeline::readWeights).orElse(null) : null;

        ModelTraining.Trained trained = ModelTraining.train(settings.kind(), settings.training(), settings.sasrec(),
                split.train(), validation, warm);
        LOG.info("trained {} ({} examples) in {} ms (best epoch {}, {} epochs run with the refit)",
                settings.kind().name().toLowerCase(java.util.Locale.ROOT), trained.examples(), trained.millis(),
                trained.bestEpoch(), trained.epochsRun());

        long created = clock.millis();
        String version = store.newVersion(clock.instant());
        Path staged = store.stagingDir(version);
        ModelManifest.TrainedOn window = new ModelManifest.TrainedOn(events.minTimestamp(), events.maxTimestamp(),
                events.eventCount(), events.source());
        ModelArtifact candidate = ArtifactWriter.write(trained.model(),
                new OnnxExporter.Metadata(settings.modelName(), version, window, Map.of()), created, staged);

        Evaluator evaluator = new Evaluator();
        Metrics metrics = evaluate(evaluator, candidate, split, "evaluating new model");
        Optional<Metrics> current = currentDir.flatMap(dir -> evaluateCurrent(evaluator, dir, split));
        Gate.Decision decision = settings.gate().decide(metrics, current);

        // Same weights, now with the holdout metrics in the graph's metadata and the manifest.
        ArtifactWriter.write(trained.model(), new OnnxExporter.Metadata(settings.modelName(), version, window,
                metrics.asMap()), created, staged);
        if (settings.signingKey() != null) {
            ManifestSignature.sign(staged, settings.signingKey());
        }
        Cancellation.check(); // a run cancelled by the service's close publishes nothing
        Path finalDir;
        if (decision.publish()) {
            finalDir = store.publish(staged);
            ModelArtifact published = ModelArtifact.load(finalDir);
            LOG.info("model {} version {} passes the gate: {}", settings.modelName(), version, decision.reason());
            if (publisher != null) {
                publisher.publish(announcement(published, window));
            } else {
                LOG.info("no Kafka to announce to: artifact written to {}", finalDir);
            }
        } else {
            finalDir = store.reject(staged);
            LOG.warn("model {} version {} NOT published: {}; kept for inspection in {}", settings.modelName(), version,
                    decision.reason(), finalDir);
        }
        prune(store);
        return new Outcome(version, finalDir, decision.publish(), decision.reason(), metrics, current, trained);
    }

    /** Bounds the artifact tree; a failure costs disk, never the run that just published. */
    private void prune(ArtifactStore store) {
        try {
            Set<String> pinned = publisher != null ? publisher.pinnedVersions() : Set.of();
            List<Path> deleted = store.prune(settings.keepVersions(), pinned);
            if (!deleted.isEmpty()) {
                LOG.info("deleted {} old artifact(s) of {} (keeping the newest {} and the pinned {})", deleted.size(),
                        settings.modelName(), settings.keepVersions(), pinned);
            }
        } catch (RuntimeException e) {
            LOG.warn("old artifacts of {} not pruned this time: {}", settings.modelName(), e.getMessage());
        }
    }

    private Metrics evaluate(Evaluator evaluator, ModelArtifact artifact, Split split, String label) {
        try (OnnxScorer scorer = new OnnxScorer(artifact, sessions, artifact.manifest().version())) {
            Metrics m = evaluator.evaluate(scorer, split.holdout(), label);
            LOG.info("{} {}: {}", label, artifact.manifest().version(), m.asMap());
            return m;
        }
    }

    private Optional<Metrics> evaluateCurrent(Evaluator evaluator, Path dir, Split split) {
        try {
            return Optional.of(evaluate(evaluator, ModelArtifact.load(dir), split, "evaluating current model"));
        } catch (ModelLoadException e) {
            LOG.warn("current artifact {} does not load ({}); gating as if there were none", dir, e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<SeqRecModel> readWeights(Path dir) {
        try {
            return Optional.of(ModelReader.read(ModelArtifact.load(dir).modelFile()));
        } catch (RuntimeException e) {
            LOG.warn("cannot warm-start from {} ({}); training from scratch", dir, e.getMessage());
            return Optional.empty();
        }
    }

    private ModelPublished announcement(ModelArtifact artifact, ModelManifest.TrainedOn window) {
        ModelManifest m = artifact.manifest();
        return ModelPublished.newBuilder()
                .setName(m.name())
                .setVersion(m.version())
                .setUri(artifact.directory().toAbsolutePath().toString())
                .setSha256(m.sha256())
                .setCreatedAt(m.createdAt())
                .setMetrics(new HashMap<>(m.metrics()))
                .setTrainedOn(TrainingWindow.newBuilder()
                        .setStartTimestamp(window.startTimestamp())
                        .setEndTimestamp(window.endTimestamp())
                        .setEventCount(window.eventCount())
                        .setSource(window.source())
                        .build())
                .build();
    }
}
