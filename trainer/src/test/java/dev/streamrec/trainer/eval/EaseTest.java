package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.DenseEase;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.Vocabulary;
import org.junit.jupiter.api.Test;

/** The EASE signal on a catalogue small enough to solve by hand. */
class EaseTest {

    // u1: a b, u2: b a, u3: a, u4: c. n(a) = 3, n(b) = 2, n(a, b) = 2, c alone.
    // XᵀX + λI is block-diagonal ({a, b} and {c}); for the 2 x 2 block the closed form is
    // B(a, b) = n(a, b) / (n(a) + λ), B(b, a) = n(a, b) / (n(b) + λ); c has no weight to or from a, b.
    private static final EventLog TRAIN = Fixtures.purchases(Map.of("u1", List.of("a", "b"), "u2", List.of("b", "a"),
            "u3", List.of("a"), "u4", List.of("c")));
    private static final Vocabulary VOCABULARY = new Vocabulary(List.of("a", "b", "c"));

    private static TrainingRows rows() {
        return new TrainingRows(TRAIN, Catalogue.inOrder(VOCABULARY.ids()));
    }

    @Test
    void weightsAreTheClosedFormRidgeSolution() {
        TrainingRows rows = rows();
        int a = rows.catalogue.row("a");
        int b = rows.catalogue.row("b");
        int c = rows.catalogue.row("c");

        double[][] w = Ease.weights(rows, 1.0);

        assertThat(w[a][b]).as("B(a, b) = 2 / (3 + 1)").isCloseTo(0.5, within(1e-12));
        assertThat(w[b][a]).as("B(b, a) = 2 / (2 + 1)").isCloseTo(2.0 / 3, within(1e-12));
        assertThat(w[a][a]).as("never the item itself").isZero();
        assertThat(w[a][c]).isCloseTo(0, within(1e-12));
        assertThat(w[c][a]).isCloseTo(0, within(1e-12));
        assertThat(w[c][b]).isCloseTo(0, within(1e-12));
    }

    @Test
    void inverseTimesMatrixIsTheIdentity() {
        double[][] m = {{4, 1, 2}, {1, 5, 3}, {2, 3, 6}};

        double[][] inv = Ease.invertSpd(m);

        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double sum = 0;
                for (int k = 0; k < 3; k++) {
                    sum += m[i][k] * inv[k][j];
                }
                assertThat(sum).as("(M M⁻¹)[%d][%d]", i, j).isCloseTo(i == j ? 1 : 0, within(1e-12));
            }
        }
    }

    @Test
    void easeTableReadsTheLongHistoryUndecayedAtItsCoefficient() {
        CoVisitations.Graphs graphs = new CoVisitations.Graphs(TRAIN, VOCABULARY);
        CoVisitations.Mix mix = CoVisitations.Mix.only(CoVisitations.Signal.DIRECTED, 1.0).withEase(4.0, 1.0, 50);

        CoVisitation table = graphs.easeTable(mix, 10);
        // history (most recent first): c, then a further back; the counting reading would not matter here
        History h = new History(50);
        h.add(VOCABULARY.index("c"), 0, 0);
        h.add(VOCABULARY.index("a"), 0, 0);
        float[] s = table.scores(h, VOCABULARY.rows());

        assertThat(table.window()).isEqualTo(50);
        assertThat(s[VOCABULARY.index("b")]).as("4 x B(a, b), no decay").isCloseTo(2.0f, within(1e-6f));
        assertThat(s[VOCABULARY.index("a")]).isZero();
        assertThat(graphs.easeTable(mix.withEase(0, 0, 0), 10)).as("no EASE coefficient, no table").isNull();
    }

    @Test
    void denseTermAddsEveryWeightOfEachDistinctItemOfTheReadingAtItsCoefficient() {
        CoVisitations.Graphs graphs = new CoVisitations.Graphs(TRAIN, VOCABULARY);
        CoVisitations.Mix mix = CoVisitations.Mix.only(CoVisitations.Signal.DIRECTED, 1.0).withDenseEase(4.0, 1.0, 3);
        int a = VOCABULARY.index("a");
        int b = VOCABULARY.index("b");
        int c = VOCABULARY.index("c");

        DenseEase dense = graphs.denseEase(mix);
        // history (most recent first): b, a, a (a repeat), then c and an unknown item beyond the 3-event reading
        History h = new History(10);
        h.add(b, 0, 0);
        h.add(a, 0, 0);
        h.add(a, 0, 0);
        h.add(c, 0, 0);
        h.add(Vocabulary.UNKNOWN, 0, 0);
        float[] s = new float[VOCABULARY.rows()];
        dense.addTo(h, s);

        assertThat(dense.rows).isEqualTo(VOCABULARY.rows());
        assertThat(dense.weight(b, a)).as("4 x B(b, a) = 4 x 2 / (2 + 1)").isCloseTo(8f / 3, within(1e-6f));
        assertThat(s[a]).as("4 x B(b, a); B(a, a) = 0").isCloseTo(8f / 3, within(1e-6f));
        assertThat(s[b]).as("4 x B(a, b) once, though a is read twice").isCloseTo(2.0f, within(1e-6f));
        assertThat(s[c]).as("c, beyond the reading, has no weight from a or b").isCloseTo(0f, within(1e-6f));
        assertThat(s[0]).as("row 0 (unknown) never scores").isZero();
        assertThat(graphs.easeTable(mix, 10)).as("the dense term, not the table").isNull();
        assertThat(graphs.denseEase(mix.withEase(4.0, 1.0, 3))).as("the table, not the dense term").isNull();

        // a reading of one event: b alone
        float[] one = new float[VOCABULARY.rows()];
        graphs.denseEase(CoVisitations.Mix.only(CoVisitations.Signal.DIRECTED, 1.0).withDenseEase(4.0, 1.0, 1)).addTo(h, one);
        assertThat(one[a]).isCloseTo(8f / 3, within(1e-6f));
        assertThat(one[b]).isZero();
    }

    @Test
    void denseChoiceSurvivesTheSelectionEntries() {
        CoVisitations.Mix mix = CoVisitations.Mix.only(CoVisitations.Signal.ITEM_KNN, 2.0).withDenseEase(8.0, 100, 500);
        Selection selection = new Selection(HybridModelFactory.asChoices(mix), null);

        assertThat(HybridModelFactory.mix(selection)).isEqualTo(mix);
        assertThat(HybridModelFactory.mix(selection).dense()).isTrue();
        assertThat(mix.toString()).endsWith("ease=8.0,lambda=100.0,ease_window=500,ease_dense");
        assertThat(HybridWeight.denseEaseWindows(500)).containsExactly(50, 200, 500);
        assertThat(HybridWeight.denseEaseWindows(50)).containsExactly(50);
        assertThat(HybridWeight.denseEaseWindows(300)).containsExactly(50, 200, 300);
    }

    @Test
    void catalogueTooLargeToInvertIsLeftOut() {
        assertThat(Ease.fits(Ease.MAX_ITEMS)).isTrue();
        assertThat(Ease.fits(12_101)).as("amazon-beauty's catalogue").isFalse();
        assertThat(new CoVisitations.Graphs(TRAIN, VOCABULARY).easeFits()).isTrue();
    }
}
