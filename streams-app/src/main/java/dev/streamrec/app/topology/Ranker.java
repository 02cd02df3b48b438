package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Ranks candidates for one user. The topology calls it once per valid event on a stream thread,
 * so it must be thread-safe and should be fast; a model-backed ranker that swaps models swaps
 * them atomically and reports the version it used in {@link Ranking#modelVersion()}. The default
 * is {@link HeuristicRanker}; the application wires whichever {@code Ranker} bean is primary.
 *
 * <p>With micro-batching on ({@link MicroBatching}), the topology hands a whole batch to
 * {@link #rankAll}, which a model-backed ranker answers with one model call.
 */
public interface Ranker {

    /** At most {@code request.k()} items, best first, each with a score and its candidate's reason. */
    Ranking rank(RankingRequest request);

    /**
     * Whether a batch of requests is cheaper to rank now than the same requests one by one. With
     * micro-batching on, the topology buffers events only while this answers true (a model is
     * loaded); otherwise it ranks each event on arrival, without the buffer round trip.
     */
    default boolean batches() {
        return true;
    }

    /** One ranking per request, in order; by default one {@link #rank} call each. */
    default List<Ranking> rankAll(List<RankingRequest> requests) {
        List<Ranking> out = new ArrayList<>(requests.size());
        for (RankingRequest r : requests) {
            out.add(rank(r));
        }
        return out;
    }
}
