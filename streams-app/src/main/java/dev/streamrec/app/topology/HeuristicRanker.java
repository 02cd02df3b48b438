package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Ranks candidates by their heuristic score (co-visitation plus trending bonus), ties by item id
 * for determinism; excluded and unavailable (out-of-stock) candidates are skipped. Model version {@value #VERSION}.
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
        List<Candidate> sorted = new ArrayList<>(request.candidates());
        sorted.sort(ORDER);
        // Stock is checked lazily, best first: about k catalogue lookups, not one per candidate.
        List<RankedItem> items = new ArrayList<>(Math.min(request.k(), sorted.size()));
        for (int i = 0; i < sorted.size() && items.size() < request.k(); i++) {
            Candidate c = sorted.get(i);
            if (!request.excluded().contains(c.itemId()) && request.available().test(c.itemId())) {
                items.add(new RankedItem(c.itemId(), c.heuristicScore(), c.reason()));
            }
        }
        return new Ranking(VERSION, items);
    }
}
