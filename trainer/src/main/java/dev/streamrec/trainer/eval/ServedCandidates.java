package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;

/**
 * The streams app's served shape offline: the candidates its {@code CandidateGenerator} would hand the model
 * (candidate mode), counted from the training events with the app's default settings, so {@code evaluate
 * --served-candidates} can set a model re-ranking them against the same model over the whole catalogue on the
 * same cases. The rule, as the app applies it ({@code application.yml}, {@code streamrec.covisit} and
 * {@code streamrec.recommend}): each event relates to the user's {@value #SOURCES} previous distinct items (or
 * {@code --served-sources}), a pair weighing the mean of its two events' type weights (view 1, click 2, add-to-cart 4,
 * purchase 8), both ways; each item keeps its {@value #TOP_M} heaviest neighbours (or {@code --served-top-m}). A
 * case's candidates: the neighbours of its {@value #SEEDS} most recent distinct items, a seed weighing 1 / its
 * recency rank, normalised so the best is 1; plus the
 * {@value #TRENDING} most popular items, worth up to {@value #TRENDING_WEIGHT}; excluded items left out; the best
 * {@value #MAX_CANDIDATES} by that heuristic score. Offline there is no 30-minute co-visit window and no time decay
 * (the datasets' timestamps are not sessions: Beauty's reviews are days apart), and "trending" is popularity over
 * the whole training data.
 */
public final class ServedCandidates {

    /** The app's default {@code streamrec.covisit.max-sources-per-event}. */
    public static final int SOURCES = 3;
    /** The app's default {@code streamrec.covisit.top-m}. */
    public static final int TOP_M = 50;
    static final int SEEDS = 10;
    static final int TRENDING = 20;
    static final double TRENDING_WEIGHT = 0.3;
    static final int MAX_CANDIDATES = 200;

    private final Map<String, String[]> neighbours;
    private final Map<String, double[]> weights;
    private final String[] trending;
    private final double[] trendingCounts;

    private ServedCandidates(Map<String, String[]> neighbours, Map<String, double[]> weights, String[] trending,
                             double[] trendingCounts) {
        this.neighbours = neighbours;
        this.weights = weights;
        this.trending = trending;
        this.trendingCounts = trendingCounts;
    }

    /**
     * Counts the neighbour lists and the popular items of {@code train}, {@code topM} neighbours per item (the app's
     * {@code streamrec.covisit.top-m}, {@value #TOP_M} by default), each event related to its {@code sources} previous
     * distinct items (the app's {@code streamrec.covisit.max-sources-per-event}, {@value #SOURCES} by default).
     */
    public static ServedCandidates count(EventLog train, int topM, int sources) {
        if (topM < 1) {
            throw new IllegalArgumentException("neighbours per item must be at least 1, not " + topM);
        }
        if (sources < 1) {
            throw new IllegalArgumentException("sources per event must be at least 1, not " + sources);
        }
        Map<String, Map<String, Double>> pairs = new HashMap<>();
        Map<String, Integer> popularity = new HashMap<>();
        for (List<HistoryEvent> seq : train.users().values()) {
            for (int t = 0; t < seq.size(); t++) {
                HistoryEvent e = seq.get(t);
                popularity.merge(e.itemId(), 1, Integer::sum);
                Set<String> related = new HashSet<>();
                for (int j = t - 1; j >= 0 && related.size() < sources; j--) {
                    HistoryEvent s = seq.get(j);
                    if (s.itemId().equals(e.itemId()) || !related.add(s.itemId())) {
                        continue;
                    }
                    double w = (typeWeight(e.type()) + typeWeight(s.type())) / 2;
                    pairs.computeIfAbsent(e.itemId(), k -> new HashMap<>()).merge(s.itemId(), w, Double::sum);
                    pairs.computeIfAbsent(s.itemId(), k -> new HashMap<>()).merge(e.itemId(), w, Double::sum);
                }
            }
        }
        Map<String, String[]> neighbours = new HashMap<>();
        Map<String, double[]> weights = new HashMap<>();
        pairs.forEach((item, related) -> {
            List<Map.Entry<String, Double>> top = related.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(topM).toList();
            neighbours.put(item, top.stream().map(Map.Entry::getKey).toArray(String[]::new));
            weights.put(item, top.stream().mapToDouble(Map.Entry::getValue).toArray());
        });
        List<Map.Entry<String, Integer>> popular = popularity.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TRENDING).toList();
        return new ServedCandidates(neighbours, weights, popular.stream().map(Map.Entry::getKey).toArray(String[]::new),
                popular.stream().mapToDouble(Map.Entry::getValue).toArray());
    }

    private static double typeWeight(EventType type) {
        return switch (type) { // the app's streamrec.covisit.weights; a type it has no weight for counts 0
            case VIEW -> 1;
            case CLICK -> 2;
            case ADD_TO_CART -> 4;
            case PURCHASE -> 8;
            default -> 0;
        };
    }

    /** A case's candidates and their heuristic scores, best first (at most {@value #MAX_CANDIDATES}). */
    public List<Scorer.Ranked> candidates(EvalCase c, Set<String> excluded) {
        Set<String> seeds = new LinkedHashSet<>();
        List<HistoryEvent> history = c.history();
        for (int i = history.size() - 1; i >= 0 && seeds.size() < SEEDS; i--) {
            seeds.add(history.get(i).itemId());
        }
        Map<String, Double> score = new HashMap<>();
        int rank = 0;
        for (String seed : seeds) {
            double seedWeight = 1.0 / ++rank;
            String[] nb = neighbours.get(seed);
            if (nb == null) {
                continue;
            }
            double[] w = weights.get(seed);
            for (int i = 0; i < nb.length; i++) {
                if (!excluded.contains(nb[i])) {
                    score.merge(nb[i], seedWeight * w[i], Double::sum);
                }
            }
        }
        double max = score.values().stream().mapToDouble(Double::doubleValue).max().orElse(1.0);
        score.replaceAll((id, s) -> s / max);
        for (int i = 0; i < trending.length; i++) {
            if (!excluded.contains(trending[i])) {
                score.merge(trending[i], TRENDING_WEIGHT * trendingCounts[i] / trendingCounts[0], Double::sum);
            }
        }
        return score.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_CANDIDATES).map(e -> new Scorer.Ranked(e.getKey(), e.getValue().floatValue())).toList();
    }

    /** Share of {@code cases} whose target is among their candidates (the most any ranking of them can hit). */
    public double recall(List<EvalCase> cases, ExclusionPolicy policy) {
        long in = cases.stream().filter(c -> candidates(c, Set.copyOf(policy.excluded(c))).stream()
                .anyMatch(r -> r.itemId().equals(c.target()))).count();
        return cases.isEmpty() ? 0 : (double) in / cases.size();
    }

    /**
     * {@code inner} re-ranking only each case's candidates (its candidate mode, as the app calls it); an item
     * outside them is never listed, so a target outside them is a miss. Sampled metrics are {@code inner}'s.
     */
    public Scorer restrict(Scorer inner) {
        return new Restricted(inner.name() + "@candidates", inner);
    }

    /** The app without a model: the candidates in their heuristic order ({@code HeuristicRanker}'s order). */
    public Scorer heuristic() {
        return new Restricted("served_heuristic", null);
    }

    private final class Restricted implements Scorer {
        private final String name;
        private final Scorer inner; // null: the heuristic order

        Restricted(String name, Scorer inner) {
            this.name = name;
            this.inner = inner;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
            if (inner != null) {
                return inner.scoreCandidates(cases, candidates);
            }
            float[][] out = new float[cases.size()][];
            for (int b = 0; b < cases.size(); b++) {
                Map<String, Float> h = new HashMap<>();
                candidates(cases.get(b), Set.of()).forEach(r -> h.put(r.itemId(), r.score()));
                out[b] = new float[candidates.get(b).size()];
                for (int i = 0; i < out[b].length; i++) {
                    out[b][i] = h.getOrDefault(candidates.get(b).get(i), 0f);
                }
            }
            return out;
        }

        @Override
        public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
            List<List<Ranked>> lists = new ArrayList<>(cases.size());
            List<List<String>> ids = new ArrayList<>(cases.size());
            for (int b = 0; b < cases.size(); b++) {
                lists.add(candidates(cases.get(b), Set.copyOf(exclude.get(b))));
                ids.add(lists.get(b).stream().map(Ranked::itemId).toList());
            }
            float[][] scores = inner == null ? null : inner.scoreCandidates(cases, ids);
            List<List<Ranked>> out = new ArrayList<>(cases.size());
            for (int b = 0; b < cases.size(); b++) {
                Ranked[] ranked = lists.get(b).toArray(Ranked[]::new);
                if (scores != null) {
                    for (int i = 0; i < ranked.length; i++) {
                        ranked[i] = new Ranked(ranked[i].itemId(), scores[b][i]);
                    }
                    // a stable sort: equal model scores keep the heuristic order among themselves
                    Arrays.sort(ranked, (x, y) -> Float.compare(y.score(), x.score()));
                }
                out.add(List.of(ranked).subList(0, Math.min(k, ranked.length)));
            }
            return out;
        }

        @Override
        public boolean knows(String itemId) {
            return inner == null || inner.knows(itemId);
        }

        @Override
        public void close() {
            // the inner scorer belongs to the caller
        }
    }
}
