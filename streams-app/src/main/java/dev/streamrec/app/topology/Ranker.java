package dev.streamrec.app.topology;

/**
 * Ranks candidates for one user. The topology calls it once per valid event on a stream thread,
 * so it must be thread-safe and should be fast; a model-backed ranker that swaps models swaps
 * them atomically and reports the version it used in {@link Ranking#modelVersion()}. The default
 * is {@link HeuristicRanker}; the application wires whichever {@code Ranker} bean is primary.
 */
public interface Ranker {

    /** At most {@code request.k()} items, best first, each with a score and its candidate's reason. */
    Ranking rank(RankingRequest request);
}
