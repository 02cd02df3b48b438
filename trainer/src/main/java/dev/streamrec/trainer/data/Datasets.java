package dev.streamrec.trainer.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens what {@code trainer evaluate --dataset} accepts. */
public final class Datasets {

    /** Sampled negatives per case where the dataset does not list them. */
    public static final int NEGATIVES = 100;
    /** Seed of the test split of an event file (fixed, so every run sees the same cases). */
    public static final long TEST_SEED = 1L;

    private Datasets() {
    }

    /**
     * A directory with {@code leave-last-out/{train.rating,test.rating,test.negative}} (ML-100K,
     * amazon-beauty) is read as published; an event file is split by each user's latest new item.
     * Either way the validation split is added on the training part.
     */
    public static Splits load(Path dataset) {
        Split test;
        if (Files.isDirectory(dataset.resolve("leave-last-out"))) {
            test = MovieLensSplit.load(dataset);
        } else if (Files.isRegularFile(dataset)) {
            test = HoldoutSplit.lastNewItem(CsvEventSource.read(dataset), NEGATIVES, Integer.MAX_VALUE, TEST_SEED);
        } else {
            throw new IllegalArgumentException(dataset + " is neither a directory with leave-last-out/ nor an event file");
        }
        return Splits.of(test, NEGATIVES);
    }
}
