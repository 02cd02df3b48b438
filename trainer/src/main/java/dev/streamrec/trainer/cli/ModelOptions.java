package dev.streamrec.trainer.cli;

import java.nio.file.Path;

import dev.streamrec.console.OptionRules;
import dev.streamrec.model.ManifestSignature;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.eval.HybridWeight;
import dev.streamrec.trainer.eval.Metrics;
import dev.streamrec.trainer.publish.Gate;
import dev.streamrec.trainer.seq.SasRecSettings;
import dev.streamrec.trainer.service.ModelTraining;
import dev.streamrec.trainer.service.TrainingPipeline;
import dev.streamrec.trainer.train.TrainingSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every command shares: where artifacts go, training hyper-parameters, the gate, the ONNX device. */
final class ModelOptions {

    private static final TrainingSettings D = TrainingSettings.defaults();

    @Option(names = "--artifact-root", defaultValue = "models", description = "Artifact root directory (default: ${DEFAULT-VALUE}).")
    Path artifactRoot;

    static final String DEFAULT_NAME = "seqrec";

    @Option(names = "--model-name", defaultValue = DEFAULT_NAME, description = "Model name, the key on model-updates (default: ${DEFAULT-VALUE}).")
    String modelName;

    private static final SasRecSettings S = SasRecSettings.defaults();

    @Option(names = "--model", description = "Model to train: pooling (recency-pooled embeddings), hybrid (pooling + an "
            + "in-graph item co-occurrence table, its weight chosen on validation) or sasrec (causal self-attention, DJL) "
            + "(default: ${DEFAULT-VALUE}).")
    String model = TrainingPipeline.DEFAULT_KIND.name().toLowerCase(java.util.Locale.ROOT);

    @Option(names = "--dim", description = "Embedding width (default: 64).")
    int dim = D.dim();

    @Option(names = "--max-history", description = "Events of history the model reads (default: pooling 20, sasrec 50).")
    Integer maxHistory;

    @Option(names = "--epochs", description = "Maximum epochs; early stopping ends sooner (default: pooling 30, sasrec 60).")
    Integer epochs;

    @Option(names = "--patience", description = "Epochs without a better validation NDCG@10 before early stopping "
            + "(default: pooling 2, sasrec 3; sasrec on ML-100K needs about 8: trainer README, \"Session 16\").")
    Integer patience;

    @Option(names = "--learning-rate", description = "Adam step size (default: 0.002).")
    Float learningRate;

    @Option(names = "--negatives", description = "Sampled-softmax negatives (pooling: per shard, default 128; sasrec: "
            + "shared per batch, default 0 = full softmax over the catalogue).")
    Integer negatives;

    @Option(names = "--blocks", description = "sasrec: self-attention blocks (default: 2).")
    int blocks = S.blocks();

    @Option(names = "--dropout", description = "sasrec: dropout rate (default: 0.3).")
    float dropout = S.dropout();

    @Option(names = "--batch-size", description = "sasrec: sequences per Adam step (default: 128).")
    int batchSize = S.batchSize();

    @Option(names = "--max-train-seconds", description = "sasrec: wall-clock cap on training, validation run and refit "
            + "together; 0 = none (default: 0).")
    int maxTrainSeconds = S.maxSeconds();

    @Option(names = "--refit", negatable = true, fallbackValue = "true",
            description = "sasrec: after choosing the epoch count on validation, retrain on all training data (default: on; the pooling model always refits).")
    boolean refit = true;

    @Option(names = "--new-targets", negatable = true, fallbackValue = "true",
            description = "sasrec: train only on items the user had not had before, each ranked against the catalogue "
                    + "minus the user's earlier items, as history exclusion ranks; --no-new-targets trains every next item "
                    + "over the whole catalogue (for --exclude purchases) (default: on).")
    boolean newTargets = S.newTargets();

    @Option(names = "--clip-norm", description = "sasrec: largest global gradient norm of a step; 0 = no clipping (default: 1).")
    float clipNorm = S.clipNorm();

    @Option(names = "--learn-weights", negatable = true, fallbackValue = "true",
            description = "Learn recency, age and event-type weights; --no-learn-weights keeps the fixed 0.8-per-step decay.")
    boolean learnWeights = D.learnWeights();

    @Option(names = "--dense-layer", negatable = true, fallbackValue = "true",
            description = "Use the residual ReLU layer after pooling.")
    boolean denseLayer = D.denseLayer();

    @Option(names = "--item-bias", negatable = true, fallbackValue = "true", description = "Learn a per-item bias.")
    boolean itemBias = D.itemBias();

    @Option(names = "--threads", description = "Training threads (default: all cores); results do not depend on it.")
    int threads = D.threads();

    @Option(names = "--seed", description = "Random seed; the same seed and data give the same model (default: 42).")
    long seed = D.seed();

    @Option(names = "--gate-metric", defaultValue = Metrics.NDCG_AT_10,
            description = "Metric the gate compares, a key of the evaluate report, e.g. ndcg_at_10 (sampled), full_ndcg_at_10, full_hr_at_20 (default: ${DEFAULT-VALUE}).")
    String gateMetric;

    @Option(names = "--gate-tolerance", defaultValue = "0.01",
            description = "Publish unless worse than the current model by more than this (default: ${DEFAULT-VALUE}).")
    double gateTolerance;

    @Option(names = "--signing-key", description = "PKCS#8 PEM private key (Ed25519 or EC) that signs each manifest "
            + "(manifest.json.sig); the streams app checks it when streamrec.models.signing-public-key is set.")
    Path signingKey;

    @Option(names = "--ease", description = "Hybrid only: let validation add the long-history EASE table (catalogues "
            + "of at most " + HybridWeight.EASE_MAX_ITEMS + " items). Lifts ML-100K's HR@20 a little but costs 4.5-8x the pooling "
            + "model per candidate-mode call (trainer README); off by default; replaces the dense EASE term.")
    boolean ease;

    @Option(names = "--ease-dense", arity = "0..1", fallbackValue = "" + HybridWeight.DEFAULT_DENSE_EASE_WINDOW,
            paramLabel = "EVENTS", description = "Hybrid only: let validation add the dense EASE term (every EASE weight, "
            + "factored to rank " + HybridWeight.DENSE_EASE_RANK + " in the graph) read over at most EVENTS events; catalogues "
            + "of at most " + HybridWeight.EASE_MAX_ITEMS + " items. Default " + TrainingSettings.DEFAULT_EASE_DENSE
            + " (the events the streams app keeps per user); without a value " + HybridWeight.DEFAULT_DENSE_EASE_WINDOW
            + " (ML-100K's HR@20 1.24x the best baseline instead of 1.19x; raise the app's streamrec.history.max-events "
            + "to match); 0 turns it off. --ease replaces it with the top-20 table (trainer README).")
    Integer easeDense;

    @Option(names = "--keep-versions", defaultValue = "" + TrainingPipeline.Settings.KEEP_VERSIONS,
            description = "After each run keep this many newest published (and rejected) versions of the model, plus "
                    + "the versions experiments pin; delete older ones (default: ${DEFAULT-VALUE}).")
    int keepVersions;

    @Option(names = "--device", defaultValue = "auto", description = "ONNX Runtime device for evaluation: auto, cpu, cuda (default: ${DEFAULT-VALUE}).")
    String device;

    /** The command these options belong to, for usage errors. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /**
     * Range checks, made before a command reads any data: an out-of-range value used to train for a minute or more
     * (--dim 0, --epochs -1, --dropout 2, --threads 0) or to fail only at the gate, after training (--gate-metric).
     */
    void check() {
        OptionRules.parsed(command, "--model", this::kind); // an unknown --model: one line naming the known ones
        OptionRules.atLeast(command, "--dim", dim, 1);
        OptionRules.atLeast(command, "--blocks", blocks, 1);
        OptionRules.atLeast(command, "--batch-size", batchSize, 1);
        OptionRules.atLeast(command, "--threads", threads, 1);
        OptionRules.atLeast(command, "--max-train-seconds", maxTrainSeconds, 0);
        OptionRules.atLeast(command, "--clip-norm", clipNorm, 0);
        OptionRules.atLeast(command, "--keep-versions", keepVersions, 1);
        OptionRules.atLeast(command, "--gate-tolerance", gateTolerance, 0);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new CommandLine.ParameterException(command.commandLine(), "--dropout must be at least 0 and less than 1, was "
                    + dropout);
        }
        atLeastIfGiven("--max-history", maxHistory, 1);
        atLeastIfGiven("--epochs", epochs, 0); // 0: the initial weights, untrained (tests make a worse model so)
        atLeastIfGiven("--patience", patience, 1);
        atLeastIfGiven("--negatives", negatives, 0);
        atLeastIfGiven("--ease-dense", easeDense, 0);
        if (learningRate != null) {
            OptionRules.positive(command, "--learning-rate", learningRate);
        }
        OptionRules.oneOf(command, "--gate-metric", gateMetric, Metrics.QUALITY);
        OptionRules.parsed(command, "--device", () -> OnnxDevice.parse(device));
    }

    private void atLeastIfGiven(String option, Integer value, int min) {
        if (value != null) {
            OptionRules.atLeast(command, option, value, min);
        }
    }

    ModelTraining.Kind kind() {
        return ModelTraining.Kind.parse(model);
    }

    TrainingSettings training() {
        return new TrainingSettings(dim, or(maxHistory, D.maxHistory()), or(epochs, D.maxEpochs()), or(patience, D.patience()),
                D.batchSize(), or(negatives, D.negatives()), or(learningRate, D.learningRate()), D.l2(), learnWeights,
                denseLayer, itemBias, threads, seed, false, or(easeDense, TrainingSettings.DEFAULT_EASE_DENSE)).withEase(ease);
    }

    SasRecSettings sasrec() {
        return new SasRecSettings(dim, or(maxHistory, S.maxLen()), blocks, dropout, or(learningRate, S.learningRate()),
                batchSize, or(negatives, S.negatives()), or(epochs, S.maxEpochs()), or(patience, S.patience()), maxTrainSeconds, refit,
                threads, seed, clipNorm, newTargets);
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    TrainingPipeline.Settings pipeline(boolean warmStart) {
        return TrainingPipeline.Settings.defaults(artifactRoot, modelName)
                .withTraining(training())
                .withModel(kind(), sasrec())
                .withGate(new Gate(gateMetric, gateTolerance))
                .withWarmStart(warmStart)
                .withOnnx(SessionSettings.defaults().withDevice(OnnxDevice.parse(device)))
                .withKeepVersions(keepVersions)
                .withSigningKey(signingKey == null ? null : ManifestSignature.privateKey(signingKey.toString()));
    }
}
