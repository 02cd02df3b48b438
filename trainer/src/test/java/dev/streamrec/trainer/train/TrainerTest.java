package dev.streamrec.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.HoldoutSplit;
import dev.streamrec.trainer.data.Split;
import dev.streamrec.trainer.eval.Evaluator;
import dev.streamrec.trainer.eval.Metrics;
import dev.streamrec.trainer.eval.ModelScorer;
import dev.streamrec.trainer.eval.PopularityScorer;
import dev.streamrec.trainer.model.SeqRecModel;
import org.junit.jupiter.api.Test;

class TrainerTest {

    private static final EventLog LOG = Fixtures.log(300, 200, 12_000, 11L);

    @Test
    void sameSeedGivesTheSameWeightsWhateverTheThreadCount() {
        // given the same data, seed and settings, one thread versus three
        TrainingSettings settings = Fixtures.quick().withMaxEpochs(2);
        Split split = HoldoutSplit.lastNewItem(LOG, 20, 100, 1L);

        // when trained twice
        SeqRecModel one = new Trainer(settings.withThreads(1)).train(split.train(), split.holdout(), null).model();
        SeqRecModel three = new Trainer(settings.withThreads(3)).train(split.train(), split.holdout(), null).model();

        // then every weight is bit-identical
        assertThat(three.itemIn).as("itemIn").containsExactly(one.itemIn);
        assertThat(three.itemOut).as("itemOut").containsExactly(one.itemOut);
        assertThat(three.dense).as("dense").containsExactly(one.dense);
        assertThat(three.position).as("position").containsExactly(one.position);
    }

    @Test
    void trainedModelBeatsPopularityOnSimulatedShoppers() {
        // given simulated shoppers whose next item follows their taste
        Split split = HoldoutSplit.lastNewItem(LOG, 100, Integer.MAX_VALUE, 2L);
        Split validation = HoldoutSplit.lastNewItem(split.train(), 100, Integer.MAX_VALUE, 3L);

        // when trained
        Trainer.Result result = new Trainer(Fixtures.quick()).train(validation.train(), validation.holdout(), null);

        // then it ranks the held-out items better than popularity does
        Evaluator evaluator = new Evaluator();
        Metrics model = evaluator.evaluate(new ModelScorer(result.model()), split.holdout());
        Metrics popularity = evaluator.evaluate(new PopularityScorer(split.train()), split.holdout());
        assertThat(model.ndcgAt10()).as("model %s vs popularity %s", model, popularity)
                .isGreaterThan(popularity.ndcgAt10() + 0.05);
        assertThat(result.bestEpoch()).isBetween(1, result.epochsRun());
    }

    @Test
    void warmStartKeepsKnownItemsAndAddsNewOnes() {
        // given a model trained on the first half of the log
        TrainingSettings settings = Fixtures.quick().withMaxEpochs(1);
        EventLog early = Fixtures.log(200, 100, 4_000, 5L);
        SeqRecModel first = new Trainer(settings).train(early, List.of(), null).model();

        // when warm-started on data with more items, for zero epochs
        EventLog later = Fixtures.log(200, 150, 6_000, 6L);
        SeqRecModel warm = new Trainer(settings.withMaxEpochs(0)).train(later, List.of(), first).model();

        // then known rows are unchanged and the vocabulary grew
        assertThat(warm.vocabulary.size()).isGreaterThan(first.vocabulary.size());
        for (int r = 1; r < first.vocabulary.rows(); r++) {
            assertThat(warm.vocabulary.id(r)).isEqualTo(first.vocabulary.id(r));
        }
        float[] knownRows = java.util.Arrays.copyOf(warm.itemIn, first.itemIn.length);
        assertThat(knownRows).containsExactly(first.itemIn);
    }

    @Test
    void moreNegativesThanAGradientTableStartsWithStillTrain() {
        // given 300 negatives per shard: a shard touches more than the 256 bias rows its gradient table starts with,
        // so the table grows in the middle of an example (it once wrote into the old array and failed)
        EventLog log = Fixtures.log(200, 400, 4_000, 5L);
        var settings = Fixtures.quick().withMaxEpochs(1);
        settings = settings.withOptimiser(settings.batchSize(), 300, settings.learningRate(), settings.l2());

        // when one epoch trains
        Trainer.Result result = new Trainer(settings).train(log, List.of(), null);

        // then it ends with finite weights
        for (float b : result.model().itemBias) {
            assertThat(Float.isFinite(b)).isTrue();
        }
        assertThat(result.epochsRun()).isEqualTo(1);
    }
}
