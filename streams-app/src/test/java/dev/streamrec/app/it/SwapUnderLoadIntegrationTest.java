package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.streamrec.app.metrics.StreamrecMetrics;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.avro.UserEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 50,000 events stream through the running app (micro-batched model scoring, exactly-once) while
 * four models are announced on model-updates: a good one, one with a corrupted file, one with a
 * wrong contract, another good one. Every event gets exactly one list; no list comes from a bad
 * model; versions only move forward, heuristic → v1 → v4.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SwapUnderLoadIntegrationTest {

    static final int EVENTS = 50_000;

    @Test
    void shouldKeepExactlyOneListPerEventAndMoveOnlyThroughGoodModelsWhileSwappingUnderLoad() throws Exception {
        Path models = Files.createTempDirectory("streamrec-swap-it-");
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of(
                "streamrec.models.artifact-roots", models.toString(),
                "streamrec.scoring.warmup-runs", 1,
                "streamrec.scoring.batch-size", 64,
                "streamrec.scoring.max-wait", "20ms"));
        // given four announcements: good, corrupted file, wrong contract, good
        ModelPublished v1 = TrainedModels.announcement(TrainedModels.export(models, "v1", 1L));
        ModelPublished v2 = TrainedModels.corrupted(models, "v2", 1L);
        ModelPublished v3 = TrainedModels.wrongContractVersion(models, "v3", 2L);
        ModelPublished v4 = TrainedModels.announcement(TrainedModels.export(models, "v4", 2L));
        List<UserEvent> events = SwapWorkload.events(EVENTS, 21L);
        SharedKafka.cluster().createTopics(1, app.topic("model-updates"));
        try {
            app.start();
            SwapWorkload.produce(app, events);

            // when the models are announced while the events are being processed
            List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
                int step = 0;
                for (ModelPublished p : List.of(v1, v2, v3, v4)) {
                    int at = EVENTS / 10 + step++ * EVENTS / 5; // 10%, 30%, 50%, 70%
                    SwapWorkload.readUntil(c, recs, l -> l.size() >= at, Duration.ofSeconds(120), at + " lists");
                    SwapWorkload.publish(app, p);
                }
                SwapWorkload.readUntil(c, recs, l -> l.size() >= EVENTS, Duration.ofSeconds(150), EVENTS + " lists");
                c.poll(Duration.ofSeconds(2)).forEach(recs::add); // anything extra would show here
            }

            // then exactly one list per event, only from the heuristic, v1 and v4, in that order
            Map<String, Long> perVersion = SwapWorkload.verify(recs, events, List.of("heuristic", "v1", "v4"));
            assertThat(perVersion).containsKeys("v1", "v4");

            // and the bad models were refused and counted, the good ones swapped in
            ScoringMetrics metrics = app.context().getBean(ScoringMetrics.class);
            assertThat(metrics.loadFailures(Reason.CHECKSUM)).isEqualTo(1);
            assertThat(metrics.loadFailures(Reason.CONTRACT)).isEqualTo(1);
            assertThat(metrics.swaps()).isEqualTo(2);
            assertThat(app.context().getBean(ModelManager.class).refused())
                    .containsExactlyInAnyOrderEntriesOf(Map.of("v2", Reason.CHECKSUM, "v3", Reason.CONTRACT));
            assertThat(app.context().getBean(StreamrecMetrics.class).recommendationsFromModel())
                    .isEqualTo(perVersion.get("v1") + perVersion.get("v4"));
            System.out.printf("swap under load: %s; %d ORT calls, mean batch %.1f%n", perVersion, metrics.calls(),
                    (double) (perVersion.get("v1") + perVersion.get("v4")) / metrics.calls());
        } finally {
            app.stop();
        }
    }
}
