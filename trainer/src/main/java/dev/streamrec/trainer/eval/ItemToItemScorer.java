package dev.streamrec.trainer.eval;

import java.util.Arrays;
import java.util.List;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;

/**
 * Baselines (b)-(d) of the amazon-beauty README, one shape: {@code score(b) = Σ_j decay^j · w(item_j, b)}
 * over the user's last {@code window} events ({@code item_0} the most recent), with {@code w} an
 * {@link ItemGraph} counted from the training sequences. {@code n(x)} is the number of users with
 * {@code x} in training.
 */
public final class ItemToItemScorer implements DenseScorer {

    private final String name;
    private final TrainingRows rows;
    private final ItemGraph graph;
    private final int window;
    private final float[] weights;

    private ItemToItemScorer(String name, TrainingRows rows, ItemGraph graph, int window, double decay) {
        this.name = name;
        this.rows = rows;
        this.graph = graph;
        this.window = window;
        this.weights = new float[window];
        for (int j = 0; j < window; j++) {
            weights[j] = (float) Math.pow(decay, j);
        }
    }

    /** (b) First-order Markov: how many times b directly follows the user's last item in training. */
    public static ItemToItemScorer markov(EventLog train, Catalogue catalogue) {
        TrainingRows rows = new TrainingRows(train, catalogue);
        ItemGraph g = ItemGraph.build(rows, ItemGraph.Neighbourhood.NEXT, 1, false, (a, b, count) -> count);
        return new ItemToItemScorer("markov", rows, g, 1, 1.0);
    }

    /**
     * (c) Co-occurrence: {@code cooc(a, b)} = users whose training sequence has b 1 to {@code span}
     * positions after a (or either side when {@code symmetric}), cosine-normalised by
     * {@code sqrt(n(a) n(b))}; the last {@code window} events weighted {@code decay^j}.
     */
    public static ItemToItemScorer cooccurrence(EventLog train, Catalogue catalogue, int span, boolean symmetric,
                                                int window, double decay) {
        TrainingRows rows = new TrainingRows(train, catalogue);
        ItemGraph g = ItemGraph.build(rows, symmetric ? ItemGraph.Neighbourhood.AROUND : ItemGraph.Neighbourhood.AFTER,
                span, true, cosine(rows));
        String name = (symmetric ? "cooccurrence_symmetric" : "cooccurrence");
        return new ItemToItemScorer(name, rows, g, window, decay);
    }

    /**
     * (d) Item-kNN: {@code sim(a, b) = |U_a ∩ U_b| / sqrt(|U_a| |U_b|)} over whole training histories
     * ({@code sim(a, a) = 1}); the last {@code window} events weighted {@code decay^j}.
     */
    public static ItemToItemScorer itemKnn(EventLog train, Catalogue catalogue, int window, double decay) {
        TrainingRows rows = new TrainingRows(train, catalogue);
        ItemGraph g = ItemGraph.build(rows, ItemGraph.Neighbourhood.WHOLE, 0, true, cosine(rows));
        return new ItemToItemScorer("item_knn", rows, g, window, decay);
    }

    private static ItemGraph.Weight cosine(TrainingRows rows) {
        return (a, b, count) -> (float) (count / Math.sqrt((double) rows.users[a] * rows.users[b]));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Catalogue catalogue() {
        return rows.catalogue;
    }

    @Override
    public boolean knows(String itemId) {
        return rows.knows(itemId);
    }

    @Override
    public void scoreAll(List<EvalCase> cases, float[][] out) {
        for (int b = 0; b < cases.size(); b++) {
            float[] s = out[b];
            Arrays.fill(s, 0f);
            int[] recent = rows.recent(cases.get(b), window);
            for (int j = 0; j < recent.length; j++) {
                if (recent[j] >= 0) {
                    graph.addTo(recent[j], weights[j], s);
                }
            }
        }
    }
}
