package dev.streamrec.trainer.eval;

import dev.streamrec.trainer.data.Splits;

/** The evaluate flow for one scorer: select on validation, fit on all training data, test once. */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * @param seconds wall time of the three steps together
     */
    public record Result(String name, String description, Selection selection, Metrics test, double seconds) {
    }

    public static Result run(ScorerFactory factory, Splits splits, Evaluator evaluator) {
        long started = System.nanoTime();
        Selection selection = factory.select(splits, evaluator);
        try (Scorer scorer = factory.fit(splits.train(), splits.catalogue(), selection)) {
            Metrics test = evaluator.evaluate(scorer, splits.test().holdout(), "testing " + factory.name());
            return new Result(factory.name(), factory.description(), selection, test,
                    (System.nanoTime() - started) / 1e9);
        }
    }
}
