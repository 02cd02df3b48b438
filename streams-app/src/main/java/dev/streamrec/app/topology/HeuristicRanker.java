package dev.streamrec.app.topology;

import java.util.Comparator;
import java.util.List;

/**
 * Ranks candidates by their heuristic score (co-visitation plus trending bonus), ties by item id
 * for determinism. Model version {@value #VERSION}.
 */
public final class HeuristicRanker implements Ranker {

    public static final String VERSION = "heuristic";

    private static final Comparator<Candidate> ORDER = Comparator.comparingDouble(Candidate::heuristicScore).reversed()
            .thenComparing(Candidate::itemId);

    /** Sorting a handful of candidates costs the same alone or in a batch. */
    @Override
    public boolean batches() {
        return false;
    }

    @Override
    public Ranking rank(RankingRequest request) {
        List<RankedItem> items = request.candidates().stream()
                .sorted(ORDER)
                .limit(request.k())
                .map(c -> new RankedItem(c.itemId(), c.heuristicScore(), c.reason()))
                .toList();
        return new Ranking(VERSION, items);
    }
}
