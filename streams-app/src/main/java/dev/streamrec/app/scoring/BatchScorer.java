package dev.streamrec.app.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import dev.streamrec.app.topology.HeuristicRanker;
import dev.streamrec.app.topology.History;
import dev.streamrec.app.topology.Ranking;
import dev.streamrec.app.topology.RankingRequest;
import dev.streamrec.onnx.HistoryBatch;
import dev.streamrec.onnx.ItemRows;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.onnx.TopItems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batched scoring API: many users' requests, one ONNX Runtime call (per
 * {@code streamrec.scoring.batch-size} requests), one {@link Ranking} per request in the same
 * order, each carrying the version of the model that scored it. The model is leased for the
 * whole call, so a hot-swap in the middle neither fails the call nor mislabels its result.
 *
 * <p>Without a model, or when the call fails, the batch is ranked by {@link HeuristicRanker}
 * (version {@value HeuristicRanker#VERSION}) and the failure is logged: recommendations keep
 * flowing. A request whose row of scores holds a NaN or an infinity is ranked by the heuristic too
 * (a non-finite score is never served), counted in
 * {@code streamrec_scoring_nonfinite_fallbacks_total}, logged (the first time and every 1000th),
 * and reported to the {@link ModelSource}, which withdraws a version that keeps doing it.
 */
public final class BatchScorer {

    /** Reason of every item full-catalog mode returns. */
    public static final String MODEL_REASON = "model";

    private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

    private final ModelSource models;
    private final ScoringSettings settings;
    private final ScoringMetrics metrics;
    private final HeuristicRanker heuristic = new HeuristicRanker();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong nonFinite = new AtomicLong();

    public BatchScorer(ModelSource models, ScoringSettings settings, ScoringMetrics metrics) {
        this.models = models;
        this.settings = settings;
        this.metrics = metrics;
    }

    public ScoringSettings settings() {
        return settings;
    }

    /** Whether a model serves now (a snapshot); without one every request is ranked by the heuristic. */
    public boolean hasModel() {
        try (ModelLease lease = models.acquire()) {
            return lease != null;
        }
    }

    /**
     * Ranks every request.
     *
     * @param available false for items that must not be recommended now (out of stock)
     */
    public List<Ranking> rank(List<ScoreRequest> requests, Predicate<String> available) {
        List<Ranking> out = new ArrayList<>(requests.size());
        for (int from = 0; from < requests.size(); from += settings.batchSize()) {
            out.addAll(rankChunk(requests.subList(from, Math.min(requests.size(), from + settings.batchSize())),
                    available));
        }
        return out;
    }

    private List<Ranking> rankChunk(List<ScoreRequest> chunk, Predicate<String> available) {
        try (ModelLease lease = models.acquire()) {
            if (lease == null) {
                return heuristic(chunk, available);
            }
            try {
                return score(lease, chunk, available);
            } catch (RuntimeException e) {
                long n = failures.incrementAndGet();
                if (n == 1 || n % 1000 == 0) {
                    LOG.error("scoring a batch of {} with model {} failed ({} failures so far); ranked by the heuristic",
                            chunk.size(), lease.version(), n, e);
                }
                return heuristic(chunk, available);
            }
        }
    }

    private List<Ranking> score(ModelLease lease, List<ScoreRequest> chunk, Predicate<String> available) {
        RecommenderSession session = lease.session();
        ScoringMode mode = settings.mode();
        int rows = RequestEncoder.rows(mode, chunk.size());
        HistoryBatch history = RequestEncoder.history(chunk, rows, session.maxHistory());
        List<Ranking> out = new ArrayList<>(chunk.size());
        int broken = 0;
        if (mode == ScoringMode.CANDIDATES) {
            ItemRows candidates = RequestEncoder.candidates(chunk, rows);
            int width = candidates.width();
            long start = System.nanoTime();
            float[] scores = session.scoreCandidates(history, candidates);
            metrics.call(chunk.size(), System.nanoTime() - start);
            for (int i = 0; i < chunk.size(); i++) {
                ScoreRequest r = chunk.get(i);
                if (RankingDecoder.finite(r, scores, i, width)) {
                    out.add(new Ranking(lease.version(), RankingDecoder.candidates(r, scores, i, width, available)));
                } else {
                    out.add(heuristic(r, available));
                    broken++;
                }
            }
        } else {
            int k = 0;
            for (ScoreRequest r : chunk) {
                k = Math.max(k, r.k());
            }
            // Fetch twice k: out-of-stock items are filtered after the graph's top-k.
            int fetch = 2 * k;
            ItemRows exclude = RequestEncoder.exclude(chunk, rows);
            long start = System.nanoTime();
            TopItems top = session.topItems(history, exclude, fetch);
            metrics.call(chunk.size(), System.nanoTime() - start);
            for (int i = 0; i < chunk.size(); i++) {
                ScoreRequest r = chunk.get(i);
                if (RankingDecoder.finite(top, i)) {
                    out.add(new Ranking(lease.version(), RankingDecoder.top(r, top, i, available)));
                } else {
                    out.add(heuristic(r, available));
                    broken++;
                }
            }
        }
        if (broken > 0) {
            nonFiniteScores(lease.version(), broken, chunk.size());
        }
        return out;
    }

    private void nonFiniteScores(String version, int lists, int batch) {
        metrics.nonFiniteFallbacks(lists);
        long before = nonFinite.getAndAdd(lists);
        if (before == 0 || before / 1000 != (before + lists) / 1000) {
            LOG.warn("model {} gave non-finite scores for {} of {} users in a batch ({} lists so far); those lists were "
                    + "ranked by the heuristic", version, lists, batch, before + lists);
        }
        models.nonFinite(version, lists);
    }

    private Ranking heuristic(ScoreRequest r, Predicate<String> available) {
        // The heuristic ranker skips excluded and unavailable items itself, lazily while it walks its list.
        return heuristic.rank(new RankingRequest(r.userId(), History.EMPTY, r.candidates(), r.k(), r.scoringTime(),
                r.exclude(), available));
    }

    private List<Ranking> heuristic(List<ScoreRequest> chunk, Predicate<String> available) {
        List<Ranking> out = new ArrayList<>(chunk.size());
        for (ScoreRequest r : chunk) {
            out.add(heuristic(r, available));
        }
        return out;
    }
}
