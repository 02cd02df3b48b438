package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

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

    /**
     * Scatter and gather for rankers that route requests ({@code ExperimentRanker} by variant,
     * {@code TenantRanker} by tenant): the requests grouped by {@code groupOf} (a null group is a group
     * too), one {@code rankGroup} call per group with its requests in order, the answers put back in
     * request order.
     */
    static <G> List<Ranking> rankGrouped(List<RankingRequest> requests, Function<RankingRequest, G> groupOf,
                                         BiFunction<G, List<RankingRequest>, List<Ranking>> rankGroup) {
        Map<G, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            groups.computeIfAbsent(groupOf.apply(requests.get(i)), g -> new ArrayList<>()).add(i);
        }
        Ranking[] out = new Ranking[requests.size()];
        for (Map.Entry<G, List<Integer>> g : groups.entrySet()) {
            List<RankingRequest> group = new ArrayList<>(g.getValue().size());
            for (int i : g.getValue()) {
                group.add(requests.get(i));
            }
            List<Ranking> ranked = rankGroup.apply(g.getKey(), group);
            for (int j = 0; j < ranked.size(); j++) {
                out[g.getValue().get(j)] = ranked.get(j);
            }
        }
        return List.of(out);
    }
}
