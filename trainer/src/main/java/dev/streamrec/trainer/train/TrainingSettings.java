package dev.streamrec.trainer.train;

/**
 * Hyper-parameters of one training run. {@link #defaults()} are the values chosen on MovieLens
 * leave-last-out (see the trainer README for the comparison).
 *
 * @param dim            embedding width
 * @param maxHistory     events of history the model looks at (most recent first)
 * @param maxEpochs      upper bound; early stopping usually ends sooner
 * @param patience       epochs without a better validation NDCG@10 before stopping
 * @param batchSize      examples per Adam step
 * @param negatives      uniform negatives shared by the examples of a shard (sampled softmax)
 * @param learningRate   Adam step size
 * @param l2             weight decay on touched rows and on the dense tensors
 * @param learnWeights   learn recency (position, age) and event-type weights; false keeps the 0.8 decay prior
 * @param denseLayer     use the residual ReLU layer; false pins it to zero (pure pooling)
 * @param itemBias       learn a per-item bias (popularity); false pins it to zero
 * @param threads        worker threads (results do not depend on it)
 * @param seed           everything random derives from it
 * @param ease           hybrid only: let the validation choice add the long-history EASE table (catalogues up to
 *                       {@code Ease.MAX_ITEMS} items); off by default, as it costs more than 3x the pooling model per
 *                       candidate-mode call (trainer README)
 * @param easeDense      hybrid only: 0, or let the validation choice add the dense EASE term (every weight, factored)
 *                       read over at most this many events, instead of the EASE table (catalogues up to
 *                       {@code Ease.MAX_ITEMS}); {@link #DEFAULT_EASE_DENSE} by default
 */
public record TrainingSettings(int dim, int maxHistory, int maxEpochs, int patience, int batchSize, int negatives,
                               float learningRate, float l2, boolean learnWeights, boolean denseLayer, boolean itemBias,
                               int threads, long seed, boolean ease, int easeDense) {

    /** Settings without the dense EASE term. */
    public TrainingSettings(int dim, int maxHistory, int maxEpochs, int patience, int batchSize, int negatives,
                            float learningRate, float l2, boolean learnWeights, boolean denseLayer, boolean itemBias,
                            int threads, long seed, boolean ease) {
        this(dim, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2, learnWeights, denseLayer,
                itemBias, threads, seed, ease, 0);
    }

    /** Settings without the EASE table. */
    public TrainingSettings(int dim, int maxHistory, int maxEpochs, int patience, int batchSize, int negatives,
                            float learningRate, float l2, boolean learnWeights, boolean denseLayer, boolean itemBias,
                            int threads, long seed) {
        this(dim, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2, learnWeights, denseLayer,
                itemBias, threads, seed, false);
    }

    /**
     * The dense EASE term's default reading: the 50 events the streams app keeps per user by default
     * ({@code streamrec.history.max-events}), so the default model reads no more than the app sends. Measured
     * (trainer README, "The dense EASE term, factored"): ML-100K HR@20 1.165x → 1.189x the best baseline,
     * simulated shoppers 1.014x → 1.041x, 2.1-3.0x the pooling model's candidate-mode call; Beauty's 12,101 items
     * are too many to invert, so there it is left out.
     */
    public static final int DEFAULT_EASE_DENSE = 50;

    public static TrainingSettings defaults() {
        // Fixed 0.8-per-step pooling + item bias: measured best on MovieLens and level on simulated
        // shoppers (trainer README); learned weights and the dense layer stay available as options.
        return new TrainingSettings(64, 20, 30, 2, 256, 128, 0.002f, 1e-5f, false, false, true,
                Runtime.getRuntime().availableProcessors(), 42L, false, DEFAULT_EASE_DENSE);
    }

    public TrainingSettings withMaxEpochs(int n) {
        return new TrainingSettings(dim, maxHistory, n, patience, batchSize, negatives, learningRate, l2, learnWeights,
                denseLayer, itemBias, threads, seed, ease, easeDense);
    }

    public TrainingSettings withSeed(long s) {
        return new TrainingSettings(dim, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2,
                learnWeights, denseLayer, itemBias, threads, s, ease, easeDense);
    }

    public TrainingSettings withThreads(int n) {
        return new TrainingSettings(dim, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2,
                learnWeights, denseLayer, itemBias, n, seed, ease, easeDense);
    }

    public TrainingSettings withDim(int d) {
        return new TrainingSettings(d, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2,
                learnWeights, denseLayer, itemBias, threads, seed, ease, easeDense);
    }

    public TrainingSettings withArchitecture(boolean weights, boolean dense, boolean bias) {
        return new TrainingSettings(dim, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2,
                weights, dense, bias, threads, seed, ease, easeDense);
    }

    public TrainingSettings withOptimiser(int batch, int negs, float lr, float decay) {
        return new TrainingSettings(dim, maxHistory, maxEpochs, patience, batch, negs, lr, decay, learnWeights,
                denseLayer, itemBias, threads, seed, ease, easeDense);
    }

    public TrainingSettings withMaxHistory(int n) {
        return new TrainingSettings(dim, n, maxEpochs, patience, batchSize, negatives, learningRate, l2, learnWeights,
                denseLayer, itemBias, threads, seed, ease, easeDense);
    }

    /** With (or without) the EASE table; the table replaces the dense term, so turning it on turns that off. */
    public TrainingSettings withEase(boolean on) {
        return new TrainingSettings(dim, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2,
                learnWeights, denseLayer, itemBias, threads, seed, on, on ? 0 : easeDense);
    }

    public TrainingSettings withEaseDense(int events) {
        return new TrainingSettings(dim, maxHistory, maxEpochs, patience, batchSize, negatives, learningRate, l2,
                learnWeights, denseLayer, itemBias, threads, seed, ease, events);
    }
}
