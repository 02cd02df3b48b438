package dev.streamrec.app.topology;

import java.util.List;

/**
 * A ranker's answer.
 *
 * @param modelVersion version of the model that ranked (e.g. {@code heuristic}); it travels with
 *                     the answer so that a hot-swap between two calls never mislabels a list
 * @param items        best first, at most k
 * @param experiment   the A/B experiment whose variant ranked, {@code ""} when none
 * @param variant      that variant, {@code ""} when none
 */
public record Ranking(String modelVersion, List<RankedItem> items, String experiment, String variant) {

    public Ranking {
        experiment = experiment == null ? "" : experiment;
        variant = variant == null ? "" : variant;
    }

    /** A ranking outside any experiment. */
    public Ranking(String modelVersion, List<RankedItem> items) {
        this(modelVersion, items, "", "");
    }

    /** This ranking labelled with the experiment variant that made it. */
    public Ranking in(String experiment, String variant) {
        return new Ranking(modelVersion, items, experiment, variant);
    }

    /** Ranked by an experiment's variant. */
    public boolean inExperiment() {
        return !experiment.isEmpty();
    }
}
