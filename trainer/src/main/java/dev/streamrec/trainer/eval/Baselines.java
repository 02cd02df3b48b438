package dev.streamrec.trainer.eval;

import java.util.List;
import java.util.function.BiFunction;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EventLog;

/** The baselines of the amazon-beauty README ("Baselines"), with its parameters, as factories. */
public final class Baselines {

    private Baselines() {
    }

    public static final ScorerFactory POPULARITY = of("popularity",
            "(a) number of training events of the item", PopularityScorer::new);
    public static final ScorerFactory MARKOV = of("markov",
            "(b) first-order Markov: times b directly follows the user's last item in training", ItemToItemScorer::markov);
    public static final ScorerFactory COOCCURRENCE = of("cooccurrence",
            "(c) users with b 1-5 positions after a, cosine-normalised; last 5 events, decay 0.7",
            (train, catalogue) -> ItemToItemScorer.cooccurrence(train, catalogue, 5, false, 5, 0.7));
    public static final ScorerFactory COOCCURRENCE_SYMMETRIC = of("cooccurrence_symmetric",
            "(c, extra row) users with a and b within 5 positions, cosine-normalised; last 5 events, decay 0.7",
            (train, catalogue) -> ItemToItemScorer.cooccurrence(train, catalogue, 5, true, 5, 0.7));
    public static final ScorerFactory ITEM_KNN = of("item_knn",
            "(d) item-kNN, cosine over whole training histories; last 10 events, decay 0.8",
            (train, catalogue) -> ItemToItemScorer.itemKnn(train, catalogue, 10, 0.8));

    /** Every baseline, in README order. */
    public static final List<ScorerFactory> ALL = List.of(POPULARITY, MARKOV, COOCCURRENCE, COOCCURRENCE_SYMMETRIC, ITEM_KNN);

    private static ScorerFactory of(String name, String description, BiFunction<EventLog, Catalogue, Scorer> fit) {
        return new ScorerFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public Scorer fit(EventLog train, Catalogue catalogue, Selection selection) {
                return fit.apply(train, catalogue);
            }
        };
    }
}
