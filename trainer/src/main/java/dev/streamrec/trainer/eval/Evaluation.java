package dev.streamrec.trainer.eval;

import dev.streamrec.trainer.data.Splits;

/** The evaluate flow for one scorer: select on validation, fit on all training data, test once. */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * @param served  the fitted scorer re-ranking only the streams app's candidates on the same test cases
     *                ({@link ServedCandidates#restrict}); null when not asked for
     * @param seconds wall time of the three steps together (and of the served test)
     */
    public record Result(String name, String description, Selection selection, Metrics test, Metrics served,
                         double seconds) {

        public Result(String name, String description, Selection selection, Metrics test, double seconds) {
            this(name, description, selection, test, null, seconds);
        }
    }

    public static Result run(ScorerFactory factory, Splits splits, Evaluator evaluator) {
        return run(factory, splits, evaluator, null);
    }

    /** As above; with {@code served}, the fitted scorer is also tested on the candidates the streams app would rank. */
    public static Result run(ScorerFactory factory, Splits splits, Evaluator evaluator, ServedCandidates served) {
        long started = System.nanoTime();
        Selection selection = factory.select(splits, evaluator);
        try (Scorer scorer = factory.fit(splits.train(), splits.catalogue(), selection)) {
            Metrics test = evaluator.evaluate(scorer, splits.test().holdout(), "testing " + factory.name());
            Metrics onCandidates = served == null ? null : evaluator.evaluate(served.restrict(scorer),
                    splits.test().holdout(), "testing " + factory.name() + " on the served candidates");
            return new Result(factory.name(), factory.description(), selection, test, onCandidates,
                    (System.nanoTime() - started) / 1e9);
        }
    }
}
