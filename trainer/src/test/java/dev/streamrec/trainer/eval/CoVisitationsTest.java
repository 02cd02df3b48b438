package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.Vocabulary;
import org.junit.jupiter.api.Test;

/** The hybrid's item-to-item signals and their mixture, on sequences small enough to count by hand. */
class CoVisitationsTest {

    // u1: a b c, u2: a b d, u3: b a; n(a) = n(b) = 3, n(c) = n(d) = 1
    private static final EventLog TRAIN = Fixtures.purchases(Map.of("u1", List.of("a", "b", "c"), "u2", List.of("a", "b", "d"),
            "u3", List.of("b", "a")));
    private static final Vocabulary VOCABULARY = new Vocabulary(List.of("a", "b", "c", "d"));
    private static final CoVisitations.Graphs GRAPHS = new CoVisitations.Graphs(TRAIN, VOCABULARY);

    /** Row {@code item}'s neighbours in a table: item id → weight. */
    private static Map<String, Float> row(CoVisitation table, String item) {
        Map<String, Float> out = new HashMap<>();
        int a = VOCABULARY.index(item);
        for (int k = 0; k < table.neighbours; k++) {
            int b = table.rows[a * table.neighbours + k];
            if (b != Vocabulary.UNKNOWN) {
                out.put(VOCABULARY.id(b), table.weights[a * table.neighbours + k]);
            }
        }
        return out;
    }

    private static Map<String, Float> only(CoVisitations.Signal s, String item) {
        return row(GRAPHS.table(CoVisitations.Mix.only(s, 1.0), 10), item);
    }

    @Test
    void eachSignalCountsUsersAndIsCosineNormalised() {
        double r9 = 1 / Math.sqrt(9);
        double r3 = 1 / Math.sqrt(3);
        // directed: b follows a for u1, u2 (within 5 positions); c, d follow a once each
        assertThat(only(CoVisitations.Signal.DIRECTED, "a").get("b")).isCloseTo((float) (2 * r9), within(1e-6f));
        assertThat(only(CoVisitations.Signal.DIRECTED, "a").get("c")).isCloseTo((float) r3, within(1e-6f));
        // symmetric: a and b together for all three users
        assertThat(only(CoVisitations.Signal.SYMMETRIC, "a").get("b")).isCloseTo((float) (3 * r9), within(1e-6f));
        // markov: b directly after a for u1, u2; c never directly after a
        assertThat(only(CoVisitations.Signal.MARKOV, "a")).containsOnlyKeys("b");
        assertThat(only(CoVisitations.Signal.MARKOV, "a").get("b")).isCloseTo((float) (2 * r9), within(1e-6f));
        // item-kNN: whole histories, and never the item itself (the slot goes to a real neighbour)
        assertThat(only(CoVisitations.Signal.ITEM_KNN, "c")).doesNotContainKey("c");
        assertThat(only(CoVisitations.Signal.ITEM_KNN, "c").get("a")).isCloseTo((float) r3, within(1e-6f));
        assertThat(only(CoVisitations.Signal.ITEM_KNN, "c").get("b")).isCloseTo((float) r3, within(1e-6f));
    }

    @Test
    void aMixtureIsTheCoefficientWeightedSumOfItsSignals() {
        // given coefficients for all four signals and another history reading
        CoVisitations.Mix mix = new CoVisitations.Mix(new double[] {2, 3, 5, 7}, 10, 0.8);

        // when the mixed table is built
        CoVisitation table = GRAPHS.table(mix, 10);

        // then each weight is Σ coefficient · signal weight, and the reading becomes the position weights
        for (String a : VOCABULARY.ids()) {
            Map<String, Float> mixed = row(table, a);
            for (String b : VOCABULARY.ids()) {
                double expected = 0;
                for (CoVisitations.Signal s : CoVisitations.Signal.values()) {
                    expected += mix.coefficient(s) * only(s, a).getOrDefault(b, 0f);
                }
                assertThat((double) mixed.getOrDefault(b, 0f)).as("w(%s, %s)", a, b).isCloseTo(expected, within(1e-5));
            }
        }
        assertThat(table.positionWeight).hasSize(10);
        assertThat(table.positionWeight[2]).isCloseTo(0.64f, within(1e-6f));
    }

    @Test
    void aTableKeepsEachItemsLargestWeights() {
        // a's mixed neighbours: b (largest), then c and d tied; one slot keeps b only
        CoVisitation one = GRAPHS.table(CoVisitations.Mix.only(CoVisitations.Signal.SYMMETRIC, 1.0), 1);
        assertThat(row(one, "a")).containsOnlyKeys("b");
    }

    @Test
    void mixturesCompareByValue() {
        CoVisitations.Mix a = CoVisitations.Mix.only(CoVisitations.Signal.ITEM_KNN, 4);
        CoVisitations.Mix b = CoVisitations.Mix.only(CoVisitations.Signal.ITEM_KNN, 2).with(CoVisitations.Signal.ITEM_KNN, 4);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(a.reading(10, 0.7));
        assertThat(a.toString()).isEqualTo("item_knn=4.0,window=5,decay=0.7");
    }
}
