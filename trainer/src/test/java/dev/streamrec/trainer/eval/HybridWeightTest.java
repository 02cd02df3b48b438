package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.HoldoutSplit;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.train.Trainer;
import org.junit.jupiter.api.Test;

/** The hybrid's mixture choice on validation. */
class HybridWeightTest {

    private static final EventLog LOG = Fixtures.log(200, 150, 6_000, 21L);

    @Test
    void theChosenMixtureScoresOnValidationWhatTheHybridScorerMeasures() {
        // given a pooling model trained on the selection split of simulated shoppers
        Splits splits = Splits.of(HoldoutSplit.lastNewItem(LOG, 20, Integer.MAX_VALUE, 1L), 20);
        SeqRecModel model = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(splits.selection().train(), List.of(), null)
                .model();
        Evaluator evaluator = new Evaluator();

        // when the mixture is chosen (on cached pooling scores)
        HybridWeight w = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(), evaluator);

        // then the table helps this model (the shoppers' sessions are co-occurrence-shaped), the search tried
        // the pooling model alone first, and the real Java hybrid measures the figure the search recorded
        assertThat(w.mix().isZero()).as("chosen %s among %s", w.mix(), w.tried()).isFalse();
        assertThat(w.tried().keySet().iterator().next()).isEqualTo("window=5,decay=0.7");
        double measured = evaluator.evaluate(new HybridScorer(w.apply(model, splits.selection().train())),
                splits.selection().holdout()).fullNdcgAt10();
        assertThat(measured).isCloseTo(((Number) w.tried().get(w.mix().toString())).doubleValue(), within(1e-4));
        double alone = ((Number) w.tried().get("window=5,decay=0.7")).doubleValue();
        assertThat(measured).isGreaterThan(alone);
    }

    @Test
    void theSameDataGiveTheSameChoice() {
        Splits splits = Splits.of(HoldoutSplit.lastNewItem(LOG, 20, Integer.MAX_VALUE, 1L), 20);
        SeqRecModel model = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(splits.selection().train(), List.of(), null)
                .model();
        HybridWeight a = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(), new Evaluator());
        HybridWeight b = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(),
                new Evaluator(ExclusionPolicy.HISTORY, 1));
        assertThat(b.mix()).isEqualTo(a.mix());
        assertThat(b.tried()).isEqualTo(a.tried());
    }

    @Test
    void theEaseTableIsTriedOnlyWhenAskedFor() {
        // given a catalogue small enough to invert (150 items)
        Splits splits = Splits.of(HoldoutSplit.lastNewItem(LOG, 20, Integer.MAX_VALUE, 1L), 20);
        SeqRecModel model = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(splits.selection().train(), List.of(), null)
                .model();

        HybridWeight off = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(), new Evaluator());
        HybridWeight on = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(), new Evaluator(),
                true);

        // then only the run with trainer --ease tried mixtures with the table, on top of the same counting choice
        assertThat(off.tried().keySet()).noneMatch(k -> k.contains("ease="));
        assertThat(off.mix().ease()).isZero();
        assertThat(on.tried().keySet()).anyMatch(k -> k.contains("ease="));
        assertSameCountingSearch(off, on);
    }

    @Test
    void theDenseEaseTermIsTriedWhenAskedForAndTheChosenMixtureMeasuresWhatTheSearchRecorded() {
        // given a catalogue small enough to invert (150 items)
        Splits splits = Splits.of(HoldoutSplit.lastNewItem(LOG, 20, Integer.MAX_VALUE, 1L), 20);
        SeqRecModel model = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(splits.selection().train(), List.of(), null)
                .model();
        Evaluator evaluator = new Evaluator();

        HybridWeight off = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(), evaluator);
        HybridWeight dense = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(), evaluator,
                false, 60);

        // then only dense mixtures were added (readings 50 and 60, never the table), on top of the same counting choice
        assertSameCountingSearch(off, dense);
        assertThat(dense.tried().keySet()).filteredOn(k -> k.contains("ease=")).isNotEmpty()
                .allMatch(k -> k.endsWith(",ease_dense") && (k.contains("ease_window=50,") || k.contains("ease_window=60,")));
        // and the real Java hybrid measures the figure the search recorded for the chosen mixture
        var hybrid = dense.apply(model, splits.selection().train());
        assertThat(hybrid.denseEase() != null).isEqualTo(dense.mix().dense());
        assertThat(hybrid.longTerm()).isNull();
        double measured = evaluator.evaluate(new HybridScorer(hybrid), splits.selection().holdout()).fullNdcgAt10();
        assertThat(measured).isCloseTo(((Number) dense.tried().get(dense.mix().toString())).doubleValue(), within(1e-4));
    }

    @Test
    void theRefinementTriesCoefficientsBetweenTheDoublingsAndTheChoiceIsTheBestTried() {
        Splits splits = Splits.of(HoldoutSplit.lastNewItem(LOG, 20, Integer.MAX_VALUE, 1L), 20);
        SeqRecModel model = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(splits.selection().train(), List.of(), null)
                .model();

        HybridWeight w = HybridWeight.choose(model, splits.selection().train(), splits.selection().holdout(), new Evaluator(),
                false, 50);

        // then mixtures with a coefficient that no doubling reaches (x 0.7071 or x 1.4142) were tried
        assertThat(w.tried().keySet())
                .anyMatch(k -> k.matches("(.*,)?(directed|symmetric|item_knn|markov|ease)=\\d+\\.\\d*[1-9]\\d*,.*"));
        // and none of everything tried measured better on validation than the chosen mixture
        double chosen = ((Number) w.tried().get(w.mix().toString())).doubleValue();
        assertThat(w.tried().values()).allSatisfy(v -> assertThat(((Number) v).doubleValue()).isLessThanOrEqualTo(chosen));
    }

    @Test
    void refinementStepsReturnExactlyToCoefficientsTriedBefore() {
        double up = HybridWeight.REFINE_STEPS[2];
        double down = HybridWeight.REFINE_STEPS[1];
        assertThat(HybridWeight.step(4, up)).isEqualTo(5.6569);
        assertThat(HybridWeight.step(5.6569, down)).isEqualTo(4.0);
        assertThat(HybridWeight.step(HybridWeight.step(2, up), down)).isEqualTo(2.0);
        assertThat(HybridWeight.step(HybridWeight.step(1, up), up)).isEqualTo(2.0);
        assertThat(HybridWeight.step(16, HybridWeight.REFINE_STEPS[0])).isEqualTo(8.0);
    }

    /** {@code with} tried what {@code without} tried, in the same order, up to its first mixture with EASE. */
    private static void assertSameCountingSearch(HybridWeight without, HybridWeight with) {
        List<String> a = List.copyOf(without.tried().keySet());
        List<String> b = List.copyOf(with.tried().keySet());
        int firstEase = 0;
        while (firstEase < b.size() && !b.get(firstEase).contains("ease=")) {
            firstEase++;
        }
        assertThat(firstEase).isPositive().isLessThan(b.size());
        assertThat(a).startsWith(b.subList(0, firstEase).toArray(String[]::new));
    }

    @Test
    void noValidationCasesMeansThePoolingModelAlone() {
        SeqRecModel model = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(LOG, List.of(), null).model();
        HybridWeight w = HybridWeight.choose(model, LOG, List.of(), new Evaluator());
        assertThat(w.mix().isZero()).isTrue();
        assertThat(w.apply(model, LOG).coVisitation().rows).containsOnly(0);
    }

    @Test
    void noReadingGoesBeyondTheWindowTheBenchmarkMeasures() {
        assertThat(java.util.Arrays.stream(HybridWeight.READINGS).mapToInt(r -> r[0]).max().orElseThrow())
                .isEqualTo(HybridWeight.MAX_WINDOW);
        assertThat(CoVisitations.WINDOW).isLessThanOrEqualTo(HybridWeight.MAX_WINDOW);
        assertThat(java.util.Arrays.stream(HybridWeight.EASE_WINDOWS).max().orElseThrow())
                .isEqualTo(HybridWeight.MAX_EASE_WINDOW);
    }
}
