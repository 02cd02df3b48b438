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
}
