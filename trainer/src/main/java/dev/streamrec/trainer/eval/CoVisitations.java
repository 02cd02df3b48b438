package dev.streamrec.trainer.eval;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.DenseEase;
import dev.streamrec.trainer.model.Vocabulary;

/**
 * Builds the hybrid model's {@link CoVisitation} tables over a model's vocabulary: the mixed table of the
 * counting signals ({@link Signal}, each as its baseline counts it, e.g. (c) of the amazon-beauty README:
 * users with b 1-{@code span} positions after a, or on either side when symmetric, cosine-normalised),
 * and the long-history table of {@link Ease} weights, for catalogues small enough to invert.
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
            if (mix.countingIsZero()) {
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

        /** Whether the catalogue is small enough for an EASE table ({@link Ease#MAX_ITEMS}). */
        public boolean easeFits() {
            return Ease.fits(rows.catalogue.size());
        }

        /**
         * The EASE table of {@code mix} (each item's top {@code neighbours} positive weights, times
         * {@code mix.ease()}, read over the last {@code mix.easeWindow()} events undecayed), or null
         * when the mixture has none.
         */
        public CoVisitation easeTable(Mix mix, int neighbours) {
            if (mix.ease() == 0 || mix.dense()) {
                return null;
            }
            return ease(mix.lambda()).topNeighbours(neighbours,
                    CoVisitation.positionWeights(mix.easeWindow(), 1.0, mix.ease()));
        }

        /**
         * The dense EASE term of {@code mix} ({@code mix.ease()} x every EASE weight, factored, read over the last
         * {@code mix.easeWindow()} events), or null when the mixture has none (or has the top-neighbour table).
         */
        public DenseEase denseEase(Mix mix) {
            if (mix.ease() == 0 || !mix.dense()) {
                return null;
            }
            DenseEase f = denseFactors(mix.lambda());
            float[] out = new float[f.out.length];
            float c = (float) mix.ease();
            for (int i = 0; i < out.length; i++) {
                out[i] = c * f.out[i];
            }
            return new DenseEase(f.rows, mix.easeWindow(), f.rank, f.in, out);
        }

        /**
         * EASE's weights at ridge {@code lambda} factored at rank {@link HybridWeight#DENSE_EASE_RANK} ({@link LowRank}),
         * in vocabulary rows ([n+1, rank], row 0 zero), at coefficient 1, on first use.
         */
        private synchronized DenseEase denseFactors(double lambda) {
            return denseEase.computeIfAbsent(lambda, l -> {
                double[][] gram = gram();
                LowRank.Factors f = LowRank.ofScores(Ease.weights(gram, l), gram, HybridWeight.DENSE_EASE_RANK, 1);
                int n = f.n() + 1;
                int k = f.k();
                float[] in = new float[n * k];
                float[] out = new float[n * k];
                for (int i = 0; i < f.n() * k; i++) {
                    in[k + i] = (float) f.in()[i];
                    out[k + i] = (float) f.out()[i];
                }
                return new DenseEase(n, 1, k, in, out);
            });
        }

        /** EASE's weights at ridge {@code lambda}, computed on first use. */
        private synchronized ItemGraph ease(double lambda) {
            return ease.computeIfAbsent(lambda, l -> Ease.graph(Ease.weights(gram(), l)));
        }

        /** {@code XᵀX} of the training rows, computed once for every ridge tried. */
        private synchronized double[][] gram() {
            if (gram == null) {
                gram = Ease.gram(rows);
            }
            return gram;
        }

        private double[][] gram;
        private final java.util.Map<Double, ItemGraph> ease = new java.util.HashMap<>();
        private final java.util.Map<Double, DenseEase> denseEase = new java.util.HashMap<>();
    }

    /**
     * One mixture of the signals: their coefficients (in {@link Signal} order; the overall scale against
     * the model's score included) and how the history is read (last {@code window} events, weight
     * {@code decay^j}); plus the long-history EASE table ({@link Ease}): its coefficient {@code ease}
     * (0: none), its ridge {@code lambda}, and the last {@code easeWindow} events it reads, undecayed.
     */
    public record Mix(double[] coefficients, int window, double decay, double ease, double lambda, int easeWindow,
                      boolean dense) {
        public Mix {
            if (coefficients.length != Signal.values().length) {
                throw new IllegalArgumentException("one coefficient per signal: " + java.util.Arrays.toString(coefficients));
            }
            if (ease != 0 && (lambda <= 0 || easeWindow <= 0)) {
                throw new IllegalArgumentException("an EASE table needs lambda > 0 and a window > 0");
            }
            coefficients = coefficients.clone();
            dense = dense && ease != 0;
        }

        /** With the EASE top-neighbour table (not the dense term) when {@code ease} is not 0. */
        public Mix(double[] coefficients, int window, double decay, double ease, double lambda, int easeWindow) {
            this(coefficients, window, decay, ease, lambda, easeWindow, false);
        }

        /** The counting signals only, no EASE table. */
        public Mix(double[] coefficients, int window, double decay) {
            this(coefficients, window, decay, 0, 0, 0);
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
            return new Mix(c, window, decay, ease, lambda, easeWindow, dense);
        }

        public Mix reading(int w, double d) {
            return new Mix(coefficients, w, d, ease, lambda, easeWindow, dense);
        }

        /** The same counting table plus an EASE table ({@code coefficient} 0: none). */
        public Mix withEase(double coefficient, double ridge, int events) {
            return coefficient == 0 ? new Mix(coefficients, window, decay)
                    : new Mix(coefficients, window, decay, coefficient, ridge, events);
        }

        /**
         * The same counting table plus the dense EASE term ({@code coefficient} x every EASE weight at ridge
         * {@code ridge}, over the last {@code events} events, each distinct item once; 0: none).
         */
        public Mix withDenseEase(double coefficient, double ridge, int events) {
            return coefficient == 0 ? new Mix(coefficients, window, decay)
                    : new Mix(coefficients, window, decay, coefficient, ridge, events, true);
        }

        /** The same mixture with the EASE term's coefficient {@code c} (table or dense, ridge and reading kept). */
        public Mix withEaseCoefficient(double c) {
            return new Mix(coefficients, window, decay, c, lambda, easeWindow, dense);
        }

        /** Whether the counting table has no signal (the EASE table may still have one). */
        public boolean countingIsZero() {
            for (double c : coefficients) {
                if (c != 0) {
                    return false;
                }
            }
            return true;
        }

        /** The pooling model alone: no signal at all. */
        public boolean isZero() {
            return countingIsZero() && ease == 0;
        }

        /** History events the tables read: the longer of the two readings. */
        public int events() {
            return Math.max(window, ease == 0 ? 0 : easeWindow);
        }

        @Override
        public double[] coefficients() {
            return coefficients.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Mix m && java.util.Arrays.equals(coefficients, m.coefficients) && window == m.window
                    && Double.compare(decay, m.decay) == 0 && Double.compare(ease, m.ease) == 0
                    && Double.compare(lambda, m.lambda) == 0 && easeWindow == m.easeWindow && dense == m.dense;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(java.util.Arrays.hashCode(coefficients), window, decay, ease, lambda, easeWindow,
                    dense);
        }

        /** For reports: {@code directed=16,item_knn=4,window=5,decay=0.7[,ease=8,lambda=100,ease_window=50]}. */
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            for (Signal s : Signal.values()) {
                if (coefficients[s.ordinal()] != 0) {
                    b.append(s.name().toLowerCase(java.util.Locale.ROOT)).append('=').append(coefficients[s.ordinal()]).append(',');
                }
            }
            b.append("window=").append(window).append(",decay=").append(decay);
            if (ease != 0) {
                b.append(",ease=").append(ease).append(",lambda=").append(lambda).append(",ease_window=").append(easeWindow);
                if (dense) {
                    b.append(",ease_dense");
                }
            }
            return b.toString();
        }
    }
}
