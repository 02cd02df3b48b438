package dev.streamrec.trainer.data;

/**
 * What every scorer of one evaluation is given, so they all learn from the same data:
 * <ul>
 *   <li>{@link #selection()}: training data minus each user's validation event, and the validation
 *       cases (each user's latest new item of the training data, ranked on the rest) — for choosing
 *       epochs or other settings;</li>
 *   <li>{@link #test()}: all training data, and the test cases — the final scorer learns from
 *       {@code test().train()} and is measured once on {@code test().holdout()}.</li>
 * </ul>
 * On a leave-last-out dataset whose users never repeat an item (amazon-beauty, ML-100K) the
 * validation event is exactly each user's last training line, the source protocol's validation item.
 *
 * @param catalogue every item the data names (training, targets, negatives): what full ranking ranks over
 */
public record Splits(Catalogue catalogue, Split selection, Split test) {

    /** Validation negatives are drawn with this seed (fixed: every run, whatever its model seed, sees the same cases). */
    public static final long VALIDATION_SEED = 2L;

    /** Adds the validation split to a test split: each user's latest new item of {@code test.train()}. */
    public static Splits of(Split test, int negatives) {
        Split selection = HoldoutSplit.lastNewItem(test.train(), negatives, Integer.MAX_VALUE, VALIDATION_SEED);
        return new Splits(Catalogue.of(test), selection, test);
    }

    /** All training data (what the final scorer learns from). */
    public EventLog train() {
        return test.train();
    }
}
