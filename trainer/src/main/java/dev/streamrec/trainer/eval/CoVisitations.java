package dev.streamrec.trainer.eval;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.Vocabulary;

/**
 * Builds the hybrid model's {@link CoVisitation} table with the co-occurrence baseline's own counting
 * ((c) of the amazon-beauty README: users with b 1-{@code span} positions after a, or on either side
 * when symmetric, cosine-normalised), over a model's vocabulary.
 */
public final class CoVisitations {

    /** Positions counted either side (README (c)). */
    public static final int SPAN = 5;
    /** History events read and their decay (README (c)). */
    public static final int WINDOW = 5;
    public static final double DECAY = 0.7;

    private CoVisitations() {
    }

    /**
     * @param neighbours entries kept per item (its largest weights)
     * @param scale      the signal's weight against the model's score
     */
    public static CoVisitation build(EventLog train, Vocabulary vocabulary, boolean symmetric, int neighbours,
                                     double scale) {
        return build(train, vocabulary, symmetric, neighbours, scale, SPAN, WINDOW, DECAY);
    }

    /** The same with other counting span, history window and decay (experiments). */
    public static CoVisitation build(EventLog train, Vocabulary vocabulary, boolean symmetric, int neighbours,
                                     double scale, int span, int window, double decay) {
        TrainingRows rows = new TrainingRows(train, Catalogue.inOrder(vocabulary.ids()));
        ItemGraph g = ItemGraph.build(rows, symmetric ? ItemGraph.Neighbourhood.AROUND : ItemGraph.Neighbourhood.AFTER,
                span, true, (a, b, count) -> (float) (count / Math.sqrt((double) rows.users[a] * rows.users[b])));
        return g.topNeighbours(neighbours, CoVisitation.positionWeights(window, decay, scale));
    }

    /** The item-to-item signals a table can mix, each counted as its baseline counts it, cosine-normalised. */
    public enum Signal {
        /** README (c): b 1-{@link #SPAN} positions after a. */
        DIRECTED,
        /** README (c, extra row): a and b within {@link #SPAN} positions. */
        SYMMETRIC,
        /** README (d): a and b anywhere in the same history (item-kNN). */
        ITEM_KNN,
        /** README (b), per user and cosine-normalised: b directly after a. */
        MARKOV
    }

    /**
     * Every {@link Signal}'s graph over one vocabulary, counted once, so that many mixtures can be
     * tried (validation) without counting again.
     */
    public static final class Graphs {
        private final ItemGraph[] graphs = new ItemGraph[Signal.values().length];

        private final TrainingRows rows;

        public Graphs(EventLog train, Vocabulary vocabulary) {
            this.rows = new TrainingRows(train, Catalogue.inOrder(vocabulary.ids()));
        }

        /** {@code signal}'s graph, counted on first use. */
        private synchronized ItemGraph graph(Signal signal) {
            ItemGraph g = graphs[signal.ordinal()];
            if (g == null) {
                ItemGraph.Weight cosine = (a, b, count) -> (float) (count / Math.sqrt((double) rows.users[a] * rows.users[b]));
                g = switch (signal) {
                    case DIRECTED -> ItemGraph.build(rows, ItemGraph.Neighbourhood.AFTER, SPAN, true, cosine);
                    case SYMMETRIC -> ItemGraph.build(rows, ItemGraph.Neighbourhood.AROUND, SPAN, true, cosine);
                    // Not the item itself: the history is excluded anyway, and the slot is worth a neighbour.
                    case ITEM_KNN -> ItemGraph.build(rows, ItemGraph.Neighbourhood.WHOLE, 0, true,
                            (a, b, count) -> a == b ? 0f : cosine.of(a, b, count));
                    case MARKOV -> ItemGraph.build(rows, ItemGraph.Neighbourhood.NEXT, 1, true, cosine);
                };
                graphs[signal.ordinal()] = g;
            }
            return g;
        }

        /** The table {@code Σ_s mix.coefficient(s) · w_s}, each item's top {@code neighbours}, read by {@code mix}'s window. */
        public CoVisitation table(Mix mix, int neighbours) {
            if (mix.isZero()) {
                // The pooling model alone: a table without neighbours, so the graph keeps its shape.
                int size = (rows.catalogue.size() + 1) * neighbours;
                return new CoVisitation(neighbours, CoVisitation.positionWeights(mix.window(), mix.decay(), 1.0),
                        new int[size], new float[size]);
            }
            ItemGraph[] used = new ItemGraph[graphs.length];
            double[] c = mix.coefficients();
            for (Signal s : Signal.values()) {
                used[s.ordinal()] = c[s.ordinal()] == 0 ? null : graph(s);
            }
            return ItemGraph.mix(used, c).topNeighbours(neighbours,
                    CoVisitation.positionWeights(mix.window(), mix.decay(), 1.0));
        }
    }

    /**
     * One mixture of the signals: their coefficients (in {@link Signal} order; the overall scale against
     * the model's score included) and how the history is read (last {@code window} events, weight
     * {@code decay^j}).
     */
    public record Mix(double[] coefficients, int window, double decay) {
        public Mix {
            if (coefficients.length != Signal.values().length) {
                throw new IllegalArgumentException("one coefficient per signal: " + java.util.Arrays.toString(coefficients));
            }
            coefficients = coefficients.clone();
        }

        /** Only {@code signal}, at {@code scale}, read as README (c) reads it. */
        public static Mix only(Signal signal, double scale) {
            double[] c = new double[Signal.values().length];
            c[signal.ordinal()] = scale;
            return new Mix(c, WINDOW, DECAY);
        }

        public double coefficient(Signal s) {
            return coefficients[s.ordinal()];
        }

        public Mix with(Signal s, double coefficient) {
            double[] c = coefficients.clone();
            c[s.ordinal()] = coefficient;
            return new Mix(c, window, decay);
        }

        public Mix reading(int w, double d) {
            return new Mix(coefficients, w, d);
        }

        public boolean isZero() {
            for (double c : coefficients) {
                if (c != 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public double[] coefficients() {
            return coefficients.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mix m && java.util.Arrays.equals(coefficients, m.coefficients) && window == m.window
                    && Double.compare(decay, m.decay) == 0;
        }

        @Override
        public int hashCode() {
            return 31 * (31 * java.util.Arrays.hashCode(coefficients) + window) + Double.hashCode(decay);
        }

        /** For reports: {@code directed=16,item_knn=4,window=5,decay=0.7}. */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (Signal s : Signal.values()) {
                if (coefficients[s.ordinal()] != 0) {
                    b.append(s.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(coefficients[s.ordinal()]).append(',');
                }
            }
            return b.append("window=").append(window).append(",decay=").append(decay).toString();
        }
    }
}
