package dev.streamrec.trainer.seq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;

import ai.djl.pytorch.jni.JniUtils;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.HoldoutSplit;
import dev.streamrec.trainer.data.Split;
import dev.streamrec.trainer.service.ModelTraining;
import dev.streamrec.trainer.service.TrainingPipeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training the self-attention model with DJL: it learns, it is reproducible, and a whole run stays fast on small data. */
class SasRecTrainerTest {

    static SasRecSettings tiny() {
        return SasRecSettings.defaults().withShape(16, 10, 1).withOptimiser(0.1f, 0.01f, 32).withThreads(1)
                .withSchedule(4, 2, 0, true);
    }

    @Test
    void trainingLossDecreases() {
        // given a small simulated log and no validation (all epochs run)
        EventLog log = Fixtures.log(60, 50, 3_000, 5L);

        // when trained for four epochs
        SasRecTrainer.Result result = new SasRecTrainer(tiny()).train(log, null);

        // then the mean loss of the last epoch is clearly below the first one's
        assertThat(result.losses()).hasSize(4);
        assertThat(result.losses().getLast()).as("losses %s", result.losses()).isLessThan(result.losses().getFirst() * 0.95);
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        // given one log and one seed, single-threaded
        EventLog log = Fixtures.log(40, 30, 1_500, 9L);
        SasRecSettings settings = tiny().withMaxEpochs(2);

        // when trained twice
        SasRecModel a = new SasRecTrainer(settings).train(log, null).model();
        SasRecModel b = new SasRecTrainer(settings).train(log, null).model();

        // then every parameter is bit-identical
        a.params.forEach((name, v) -> assertThat(b.p(name)).as(name).containsExactly(v));
    }

    @Test
    void newTargetsAreTheItemsNotHadBeforeEachRankedWithoutTheEarlierOnes() {
        // given one user who views a, b, a, c, b, d (rows a=1, b=2, c=3, d=4)
        String[] items = {"a", "b", "a", "c", "b", "d"};
        java.util.List<dev.streamrec.avro.UserEvent> events = new java.util.ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            events.add(dev.streamrec.avro.UserEvent.newBuilder().setEventId("e" + i).setUserId("u").setItemId(items[i])
                    .setType(dev.streamrec.avro.EventType.VIEW).setTimestamp(1_000L * i).build());
        }
        EventLog log = EventLog.of(events, "test");
        dev.streamrec.trainer.model.Vocabulary vocabulary = new dev.streamrec.trainer.model.Vocabulary(
                java.util.List.of("a", "b", "c", "d"));

        // when cut into training windows with and without the new-targets rule
        SasRecTrainer.Windows all = SasRecTrainer.Windows.of(log, vocabulary, 10, false);
        SasRecTrainer.Windows fresh = SasRecTrainer.Windows.of(log, vocabulary, 10, true);
        SasRecTrainer.Batch batch = fresh.batch(new int[] {0});

        // then every next item is a target without the rule, only b, c and d with it (logit columns = row - 1)
        assertThat(all.targets).isEqualTo(5);
        assertThat(all.batch(new int[] {0}).excludedTarget()).isEmpty();
        assertThat(fresh.targets).isEqualTo(3);
        assertThat(batch.targets()).containsExactly(1, 2, 3);
        // and each target's softmax leaves out the items before it: b without a, c without a and b, d without a, b, c
        assertThat(batch.excludedTarget()).containsExactly(0, 1, 1, 2, 2, 2);
        assertThat(batch.excludedColumn()).containsExactly(0, 0, 1, 0, 1, 2);
    }

    @Test
    void aGarbageCollectionBetweenForwardAndBackwardLeavesTheGradientsAlone() {
        // given one batch of a small log, a fresh net and no dropout (the passes are deterministic)
        EventLog log = Fixtures.log(60, 50, 3_000, 5L);
        SasRecSettings settings = tiny().withOptimiser(0f, 0.01f, 32);
        java.util.TreeSet<String> ids = new java.util.TreeSet<>();
        log.users().values().forEach(l -> l.forEach(e -> ids.add(e.itemId())));
        dev.streamrec.trainer.model.Vocabulary vocabulary = new dev.streamrec.trainer.model.Vocabulary(java.util.List.copyOf(ids));
        SasRecTrainer.Windows windows = SasRecTrainer.Windows.of(log, vocabulary, settings.maxLen(), settings.newTargets());
        SasRecTrainer.Batch batch = windows.batch(windows.batches(32, new java.util.SplittableRandom(1))[0]);
        try (ai.djl.ndarray.NDManager manager = Torch.engine(1).newBaseManager(ai.djl.Device.cpu())) {
            SasRecTrainer.Net net = new SasRecTrainer(settings).new Net(manager,
                    SasRecModel.initialise(vocabulary, settings.dim(), settings.maxLen(), settings.blocks(), 3L));
            net.backward(batch, 7L, () -> { });
            java.util.Map<String, float[]> quiet = net.gradients();

            // when the same batch runs again with collections (and fresh direct buffers reusing what they free)
            // between the passes: DJL's mul(float) used to keep a freed Java buffer in the autograd graph
            for (int round = 0; round < 5; round++) {
                net.backward(batch, 7L, () -> {
                    System.gc();
                    for (int i = 0; i < 20_000; i++) {
                        java.nio.ByteBuffer.allocateDirect(4).order(java.nio.ByteOrder.nativeOrder()).putFloat(0, 1e30f);
                    }
                });

                // then the gradients are bit for bit the quiet run's
                java.util.Map<String, float[]> busy = net.gradients();
                quiet.forEach((name, g) -> assertThat(busy.get(name)).as(name).containsExactly(g));
            }
        }
    }

    @Test
    void eachCallerGetsTheIntraOpThreadsItAskedFor() {
        // given the engine, one per JVM, started by whichever caller came first
        Torch.engine(1);

        // when a caller asks for two threads (the defaults on 2 cores), then for one (a bit-identical training),
        // then each runs with what it asked for
        Torch.engine(2);
        assertThat(JniUtils.getNumThreads()).isEqualTo(2);
        Torch.engine(1);
        assertThat(JniUtils.getNumThreads()).isEqualTo(1);
    }

    @Test
    void aPipelineRunOnSmallDataTrainsExportsAndPublishesWithinSeconds(@TempDir Path root) {
        // given 5,000 simulated events and the sasrec model with a short schedule
        EventLog log = Fixtures.log(200, 150, 5_000, 21L);
        TrainingPipeline.Settings settings = TrainingPipeline.Settings.defaults(root, "seqrec")
                .withModel(ModelTraining.Kind.SASREC, tiny().withMaxEpochs(3));

        // when one run goes through validation, refit, export, ONNX Runtime evaluation and the gate
        long t0 = System.nanoTime();
        TrainingPipeline.Outcome outcome = new TrainingPipeline(settings, null, Clock.systemUTC()).run(log);
        double seconds = (System.nanoTime() - t0) / 1e9;

        // then the artifact is published, loads (its golden input replays through ONNX Runtime), and it took seconds
        assertThat(outcome.published()).as(outcome.reason()).isTrue();
        assertThat(outcome.training().kind()).isEqualTo(ModelTraining.Kind.SASREC);
        assertThat(outcome.training().bestEpoch()).isBetween(1, 3);
        assertThat(ModelArtifact.load(outcome.artifact()).manifest().maxHistory()).isEqualTo(10);
        assertThat(outcome.metrics().hrAt10()).as("sampled HR@10 beats chance (0.1)").isGreaterThan(0.15);
        assertThat(seconds).as("pipeline seconds").isLessThan(30);
    }

    @Test
    void validationChoosesTheEpochsAndTheRefitTrainsThatMany() {
        // given a log and its validation split
        EventLog log = Fixtures.log(100, 60, 3_000, 3L);
        Split validation = HoldoutSplit.lastNewItem(log, 0, Integer.MAX_VALUE, 4L);

        // when trained with refit
        SasRecTrainer.Result result = new SasRecTrainer(tiny()).train(log, validation);

        // then the refit ran exactly the chosen epoch count on all the data (every item of the log known)
        assertThat(result.bestEpoch()).isBetween(1, 4);
        assertThat(result.losses()).hasSize(result.bestEpoch());
        assertThat(result.model().vocabulary.size()).isEqualTo((int) log.users().values().stream()
                .flatMap(l -> l.stream().map(e -> e.itemId())).distinct().count());
        assertThat(result.validationNdcg()).isGreaterThan(0);
    }
}
