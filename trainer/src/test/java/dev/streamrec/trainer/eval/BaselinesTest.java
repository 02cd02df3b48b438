package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import org.junit.jupiter.api.Test;

/** The baselines' definitions (amazon-beauty README, "Baselines") on sequences small enough to count by hand. */
class BaselinesTest {

    private static final List<String> ITEMS = List.of("a", "b", "c", "d", "e");
    private static final Catalogue CATALOGUE = Catalogue.of(ITEMS);

    // u1: a b c, u2: a b d, u3: b a (e is in the catalogue but never trained on)
    private static final EventLog TRAIN = Fixtures.purchases(Map.of("u1", List.of("a", "b", "c"), "u2", List.of("a", "b", "d"),
            "u3", List.of("b", "a")));

    /** Scores of a, b, c, d, e for a user whose history is {@code items} (oldest first). */
    private static float[] scores(Scorer scorer, String... items) {
        List<HistoryEvent> history = new java.util.ArrayList<>();
        for (String i : items) {
            history.add(new HistoryEvent(i, EventType.VIEW, 0));
        }
        EvalCase c = new EvalCase("x", history, "e", 1, List.of());
        return scorer.scoreCandidates(List.of(c), List.of(ITEMS))[0];
    }

    private static final float R3 = (float) (1 / Math.sqrt(3));

    @Test
    void popularityCountsTrainingEvents() {
        assertThat(scores(new PopularityScorer(TRAIN, CATALOGUE), "a")).containsExactly(3, 3, 1, 1, 0);
    }

    @Test
    void markovCountsWhatDirectlyFollowsTheLastItem() {
        Scorer markov = ItemToItemScorer.markov(TRAIN, CATALOGUE);
        assertThat(scores(markov, "c", "a")).containsExactly(0, 2, 0, 0, 0);
        assertThat(scores(markov, "a", "b")).containsExactly(1, 0, 1, 1, 0);
    }

    @Test
    void directedCooccurrenceCountsUsersWithBAfterAAndNormalisesByCosine() {
        Scorer cooc = ItemToItemScorer.cooccurrence(TRAIN, CATALOGUE, 5, false, 5, 0.7);
        // from a: b follows a for u1 and u2 (not u3), n(a) = n(b) = 3; c and d once each, n = 1
        assertThat(scores(cooc, "a")).containsExactly(new float[] {0, 2f / 3, R3, R3, 0}, within(1e-6f));
        // history c, b, a (a latest): d gets 1 * w(a, d) + 0.7 * w(b, d) + 0.49 * w(c, d) = R3 + 0.7 R3
        assertThat(scores(cooc, "c", "b", "a")[3]).isCloseTo(R3 + 0.7f * R3, within(1e-6f));
    }

    @Test
    void symmetricCooccurrenceCountsEitherOrder() {
        Scorer cooc = ItemToItemScorer.cooccurrence(TRAIN, CATALOGUE, 5, true, 5, 0.7);
        assertThat(scores(cooc, "a")).containsExactly(new float[] {0, 1, R3, R3, 0}, within(1e-6f));
    }

    @Test
    void directedWindowStopsAfterSpanPositions() {
        // a then six others: only the first five follow a within the window
        EventLog train = Fixtures.purchases(Map.of("u", List.of("a", "b", "c", "d", "e", "f", "g")));
        Catalogue catalogue = Catalogue.of(train);
        Scorer cooc = ItemToItemScorer.cooccurrence(train, catalogue, 5, false, 5, 0.7);
        EvalCase c = new EvalCase("x", List.of(new HistoryEvent("a", EventType.VIEW, 0)), "g", 1, List.of());
        float[] s = cooc.scoreCandidates(List.of(c), List.of(List.of("f", "g")))[0];
        assertThat(s).containsExactly(1f, 0f);
    }

    @Test
    void itemKnnIsCosineOverWholeHistoriesWithDecayOverTheLastTen() {
        Scorer knn = ItemToItemScorer.itemKnn(TRAIN, CATALOGUE, 10, 0.8);
        // sim(a, a) = 1, sim(a, b) = 3 / 3, sim(a, c) = sim(a, d) = 1 / sqrt(3)
        assertThat(scores(knn, "a")).containsExactly(new float[] {1, 1, R3, R3, 0}, within(1e-6f));
        // history c, a: c gets sim(a, c) + 0.8 * sim(c, c)
        assertThat(scores(knn, "c", "a")[2]).isCloseTo(R3 + 0.8f, within(1e-6f));
    }

    @Test
    void baselinesKnowOnlyTrainedItems() {
        Scorer knn = ItemToItemScorer.itemKnn(TRAIN, CATALOGUE, 10, 0.8);
        assertThat(knn.knows("a")).isTrue();
        assertThat(knn.knows("e")).isFalse();
        assertThat(knn.knows("zz")).isFalse();
    }
}
