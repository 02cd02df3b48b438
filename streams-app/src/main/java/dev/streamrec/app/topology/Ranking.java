package dev.streamrec.app.topology;

import java.util.List;

/**
 * A ranker's answer.
 *
 * @param modelVersion version of the model that ranked (e.g. {@code heuristic}); it travels with
 *                     the answer so that a hot-swap between two calls never mislabels a list
 * @param items        best first, at most k
 */
public record Ranking(String modelVersion, List<RankedItem> items) {
}
