package dev.streamrec.app.experiment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.scoring.BatchScorer;
import dev.streamrec.app.scoring.ModelRanker;
import dev.streamrec.app.scoring.ModelSource;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.topology.HeuristicRanker;
import dev.streamrec.app.topology.Ranker;
import dev.streamrec.app.topology.Ranking;
import dev.streamrec.app.topology.RankingRequest;
import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.avro.VariantRanker;
import dev.streamrec.onnx.ScoringMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's {@link Ranker}: ranks each request with the ranker of the user's variant
 * ({@link Assignment}) and labels the answer with experiment and variant; a user in no experiment
 * gets the app's default ranker (the followed model, else the heuristic), unlabelled.
 *
 * <p>A variant's ranker is the heuristic, the followed model (the latest version the app serves,
 * as hot-swapped by {@link ModelManager}), or a pinned version the manager holds for it
 * ({@link ModelManager#version}); each with its own scoring mode and k. A variant whose model is
 * not loaded (yet) is ranked by the heuristic, with model version {@code heuristic} on its lists,
 * as the default ranker does before the first model.
 *
 * <p>{@link #apply} swaps the whole plan (the live experiments and their rankers) in one volatile
 * write, so a ranker call sees one plan from start to end; it runs on the follower's thread.
 */
public final class ExperimentRanker implements Ranker, ExperimentPlan {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRanker.class);

    private final Ranker base;
    private final ModelManager models;
    private final ScoringSettings scoring;
    private final ScoringMetrics scoringMetrics;
    private final ExperimentMetrics metrics;
    private final String followedModel;
    private volatile Plan plan = new Plan(List.of(), Map.of());

    /**
     * @param base          the ranker for users in no experiment
     * @param followedModel {@code streamrec.models.name}
     */
    public ExperimentRanker(Ranker base, ModelManager models, ScoringSettings scoring, ScoringMetrics scoringMetrics,
                            ExperimentMetrics metrics, String followedModel) {
        this.base = base;
        this.models = models;
        this.scoring = scoring;
        this.scoringMetrics = scoringMetrics;
        this.metrics = metrics;
        this.followedModel = followedModel;
    }

    /** One variant's ranker with the list length it asks for (0: the request's). */
    private record VariantRanking(String experiment, String variant, Ranker ranker, int k) {
    }

    /** The live experiments, sorted by name, and a ranker per (experiment, variant). */
    private record Plan(List<Experiment> experiments, Map<String, VariantRanking> rankers) {
    }

    /**
     * The experiments now defined (the whole set, as on the topic): invalid ones are ignored with a
     * log line; pinned model versions are held by the model manager, others released.
     */
    @Override
    public void apply(Collection<Experiment> defined) {
        List<Experiment> live = new ArrayList<>();
        Map<String, VariantRanking> rankers = new HashMap<>();
        Set<String> pinned = new HashSet<>();
        for (Experiment e : defined) {
            List<String> problems = ExperimentRules.problems(e, followedModel);
            if (!problems.isEmpty()) {
                LOG.warn("ignoring experiment '{}': {}", e.getName(), problems);
                continue;
            }
            live.add(e);
            for (ExperimentVariant v : e.getVariants()) {
                rankers.put(key(e.getName(), v.getName()), new VariantRanking(e.getName(), v.getName(),
                        rankerFor(v), v.getK() == null ? 0 : v.getK()));
                if (v.getRanker() == VariantRanker.MODEL && v.getModelVersion() != null) {
                    pinned.add(v.getModelVersion());
                }
            }
        }
        live.sort(Comparator.comparing(Experiment::getName));
        models.hold(pinned);
        plan = new Plan(List.copyOf(live), Map.copyOf(rankers));
        LOG.info("experiments now live: {}{}", live.stream().map(ExperimentRanker::describe).toList(),
                pinned.isEmpty() ? "" : "; model versions held for them: " + pinned);
    }

    /** The live experiments (valid, sorted by name). */
    @Override
    public List<Experiment> live() {
        return plan.experiments();
    }

    private Ranker rankerFor(ExperimentVariant v) {
        if (v.getRanker() == VariantRanker.HEURISTIC) {
            return new HeuristicRanker();
        }
        ModelSource source = v.getModelVersion() == null ? models : models.version(v.getModelVersion());
        ScoringSettings s = v.getScoringMode() == null ? scoring : scoring.withMode(ScoringMode.parse(v.getScoringMode()));
        return new ModelRanker(new BatchScorer(source, s, scoringMetrics));
    }

    @Override
    public boolean batches() {
        return base.batches() || plan.rankers().values().stream().anyMatch(v -> v.ranker().batches());
    }

    @Override
    public Ranking rank(RankingRequest request) {
        return rankAll(List.of(request)).getFirst();
    }

    /** Groups the requests by variant, one ranker call per group, answers in request order. */
    @Override
    public List<Ranking> rankAll(List<RankingRequest> requests) {
        Plan p = plan;
        if (p.experiments().isEmpty()) {
            return base.rankAll(requests);
        }
        // Users outside every experiment form the null group, ranked by the base ranker.
        return Ranker.rankGrouped(requests, r -> {
            Assignment.Placement at = Assignment.place(p.experiments(), r.userId());
            return at == null ? null : p.rankers().get(key(at.experiment().getName(), at.variant().getName()));
        }, (v, group) -> {
            if (v == null) {
                return base.rankAll(group);
            }
            long start = System.nanoTime();
            List<Ranking> r = v.ranker().rankAll(withK(group, v.k()));
            metrics.ranked(v.experiment(), v.variant(), System.nanoTime() - start);
            List<Ranking> out = new ArrayList<>(r.size());
            r.forEach(ranking -> out.add(ranking.in(v.experiment(), v.variant())));
            return out;
        });
    }

    /** The requests with list length {@code k} when it is set. */
    private static List<RankingRequest> withK(List<RankingRequest> requests, int k) {
        List<RankingRequest> out = new ArrayList<>(requests.size());
        for (RankingRequest r : requests) {
            out.add(k <= 0 || k == r.k() ? r : new RankingRequest(r.userId(), r.history(), r.candidates(), k,
                    r.eventTime(), r.excluded(), r.available()));
        }
        return out;
    }

    private static String key(String experiment, String variant) {
        return experiment + "\u0000" + variant;
    }

    private static String describe(Experiment e) {
        StringBuilder b = new StringBuilder(e.getName()).append(e.getActive() ? "" : " (inactive)").append(" [");
        for (ExperimentVariant v : e.getVariants()) {
            b.append(v.getName()).append(' ').append(v.getShare()).append("% ").append(v.getRanker().name().toLowerCase())
                    .append(v.getModelVersion() == null ? "" : "@" + v.getModelVersion()).append("; ");
        }
        return b.append(']').toString();
    }
}
