package dev.streamrec.app.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.streamrec.app.topology.Ranker;
import dev.streamrec.app.topology.Ranking;
import dev.streamrec.app.topology.RankingRequest;

/**
 * The topology's {@link Ranker} backed by the current model ({@link BatchScorer}): candidate or
 * full-catalog mode per {@code streamrec.scoring.mode}, one ONNX Runtime call per batch
 * ({@link #rankAll}); the heuristic ranking (version {@code heuristic}) while no model is loaded.
 * Never returns the request's excluded items (purchased, the triggering item, purchases in the
 * history) or items it marks unavailable (out of stock).
 */
public final class ModelRanker implements Ranker {

    private final BatchScorer scorer;

    public ModelRanker(BatchScorer scorer) {
        this.scorer = scorer;
    }

    /** Batches pay off only while a model serves; the heuristic fallback ranks as cheaply one by one. */
    @Override
    public boolean batches() {
        return scorer.hasModel();
    }

    @Override
    public Ranking rank(RankingRequest request) {
        return scorer.rank(List.of(toScoreRequest(request)), request.available()).getFirst();
    }

    /** Many requests in one ONNX Runtime call (per batch-size), results in order. */
    @Override
    public List<Ranking> rankAll(List<RankingRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        List<ScoreRequest> rs = new ArrayList<>(requests.size());
        for (RankingRequest r : requests) {
            rs.add(toScoreRequest(r));
        }
        // The topology gives every request of a batch the same catalogue lookup.
        Predicate<String> available = requests.getFirst().available();
        return scorer.rank(rs, available);
    }

    /** A topology request as a score request: the same history object, with what must not be returned. */
    public static ScoreRequest toScoreRequest(RankingRequest r) {
        return new ScoreRequest(r.userId(), r.history(), r.candidates(), r.excluded(), r.k(), r.eventTime());
    }
}
