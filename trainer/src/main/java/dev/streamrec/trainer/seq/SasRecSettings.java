package dev.streamrec.trainer.seq;

/**
 * Hyper-parameters of the self-attention model. {@link #defaults()} are the values measured on
 * amazon-beauty and ML-100K (trainer README, "The sequence model").
 *
 * @param dim          embedding and hidden width
 * @param maxLen       events of history read (the latest ones); training windows are this long
 * @param blocks       self-attention blocks
 * @param dropout      on embeddings, attention output and feed-forward output (training only)
 * @param learningRate Adam step size
 * @param batchSize    training windows (user sequences) per Adam step
 * @param negatives    0: full softmax over the catalogue; n: sampled softmax against n shared uniform negatives
 * @param maxEpochs    upper bound of the validation run
 * @param patience     epochs without a better validation NDCG@10 before stopping
 * @param maxSeconds   wall-clock cap on the whole training (validation run plus refit); 0 = none
 * @param refit        after choosing the epoch count on validation, train again from scratch on all data for
 *                     that many epochs (the returned model); false returns the best validation-run model
 * @param threads      PyTorch intra-op threads
 * @param seed         initial weights, shuffling and dropout derive from it
 * @param clipNorm     largest global gradient norm of an Adam step (larger gradients are scaled down); 0 = no clipping
 * @param newTargets   train only on targets the user had not had before, with the softmax over the catalogue
 *                     minus those earlier items: the ranking that history exclusion serves (false: every next
 *                     item but an immediate repeat, over the whole catalogue)
 */
public record SasRecSettings(int dim, int maxLen, int blocks, float dropout, float learningRate, int batchSize,
                             int negatives, int maxEpochs, int patience, int maxSeconds, boolean refit, int threads, long seed,
                             float clipNorm, boolean newTargets) {

    public static SasRecSettings defaults() {
        return new SasRecSettings(64, 50, 2, 0.3f, 0.002f, 128, 0, 60, 3, 0, true,
                Runtime.getRuntime().availableProcessors(), 42L, 1f, true);
    }

    public SasRecSettings withSeed(long s) {
        return new SasRecSettings(dim, maxLen, blocks, dropout, learningRate, batchSize, negatives, maxEpochs, patience, maxSeconds,
                refit, threads, s, clipNorm, newTargets);
    }

    public SasRecSettings withMaxEpochs(int n) {
        return new SasRecSettings(dim, maxLen, blocks, dropout, learningRate, batchSize, negatives, n, patience, maxSeconds, refit,
                threads, seed, clipNorm, newTargets);
    }

    public SasRecSettings withShape(int d, int len, int b) {
        return new SasRecSettings(d, len, b, dropout, learningRate, batchSize, negatives, maxEpochs, patience, maxSeconds, refit,
                threads, seed, clipNorm, newTargets);
    }

    public SasRecSettings withOptimiser(float drop, float lr, int batch) {
        return new SasRecSettings(dim, maxLen, blocks, drop, lr, batch, negatives, maxEpochs, patience, maxSeconds, refit, threads,
                seed, clipNorm, newTargets);
    }

    public SasRecSettings withSchedule(int epochs, int patience, int seconds, boolean refit) {
        return new SasRecSettings(dim, maxLen, blocks, dropout, learningRate, batchSize, negatives, epochs, patience, seconds, refit,
                threads, seed, clipNorm, newTargets);
    }

    public SasRecSettings withNegatives(int n) {
        return new SasRecSettings(dim, maxLen, blocks, dropout, learningRate, batchSize, n, maxEpochs, patience,
                maxSeconds, refit, threads, seed, clipNorm, newTargets);
    }

    public SasRecSettings withThreads(int n) {
        return new SasRecSettings(dim, maxLen, blocks, dropout, learningRate, batchSize, negatives, maxEpochs, patience, maxSeconds,
                refit, n, seed, clipNorm, newTargets);
    }

    public SasRecSettings withClipNorm(float c) {
        return new SasRecSettings(dim, maxLen, blocks, dropout, learningRate, batchSize, negatives, maxEpochs, patience, maxSeconds,
                refit, threads, seed, c, newTargets);
    }

    public SasRecSettings withNewTargets(boolean on) {
        return new SasRecSettings(dim, maxLen, blocks, dropout, learningRate, batchSize, negatives, maxEpochs, patience, maxSeconds,
                refit, threads, seed, clipNorm, on);
    }
}
