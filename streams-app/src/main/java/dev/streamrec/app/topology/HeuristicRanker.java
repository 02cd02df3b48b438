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

    /** Best heuristic score first, ties to the smaller item id (written out: a composed comparator costs more). */
    private static final Comparator<Candidate> ORDER = (a, b) -> {
        int c = Double.compare(b.heuristicScore(), a.heuristicScore());
        return c != 0 ? c : a.itemId().compareTo(b.itemId());
    };

    /** Sorting a handful of candidates costs the same alone or in a batch. */
    @Override
    public boolean batches() {
        return false;
    }

    @Override
    public Ranking rank(RankingRequest request) {
        // Best first without sorting every candidate, and stock checked lazily in that order: about k catalogue
        // lookups, not one per candidate.
        BestFirst<Candidate> best = new BestFirst<>(request.candidates(), ORDER);
        List<RankedItem> items = new ArrayList<>(Math.min(request.k(), request.candidates().size()));
        while (best.hasNext() && items.size() < request.k()) {
            Candidate c = best.next();
            if (!request.excluded().contains(c.itemId()) && request.available().test(c.itemId())) {
                items.add(new RankedItem(c.itemId(), c.heuristicScore(), c.reason()));
            }
        }
        return new Ranking(VERSION, items);
    }
}
