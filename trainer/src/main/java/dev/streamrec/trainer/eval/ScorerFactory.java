package dev.streamrec.trainer.eval;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;

/**
 * How one kind of scorer is made from data, in the two steps every scorer of an evaluation goes
 * through ({@link Evaluation#run}):
 * <ol>
 *   <li>{@link #select}: learn on {@code splits.selection().train()} (training data minus each user's
 *       validation event) and choose whatever needs choosing (epochs, ...) on
 *       {@code splits.selection().holdout()};</li>
 *   <li>{@link #fit}: learn the final scorer from all training data with that choice; it is then
 *       tested once.</li>
 * </ol>
 * So a model and the baselines learn from exactly the same events.
 */
public interface ScorerFactory {

    /** The key of the scorer in reports ({@code metrics.<name>}). */
    String name();

    /** One line saying what it is, with its parameters. */
    String description();

    /** Model selection on the validation split; baselines have nothing to choose. */
    default Selection select(Splits splits, Evaluator evaluator) {
        return Selection.NONE;
    }

    /** The final scorer, learnt from all of {@code train}, ranking over {@code catalogue}. */
    Scorer fit(EventLog train, Catalogue catalogue, Selection selection);
}
