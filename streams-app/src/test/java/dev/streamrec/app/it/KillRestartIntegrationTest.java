package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.avro.UserEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Micro-batched model scoring survives SIGKILL: the app runs in its own JVM, is killed in the
 * middle of the stream (events waiting in the scoring buffer, a transaction open), and restarted;
 * every event still gets exactly one list, and versions move forward (v1, then v2 announced after
 * the restart).
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class KillRestartIntegrationTest {

    static final int EVENTS = 30_000;

    @Test
    void shouldNeitherLoseNorDoubleAListWhenKilledWithEventsInTheScoringBuffer() throws Exception {
        Path work = Files.createTempDirectory("streamrec-kill-it-");
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of(
                "streamrec.models.artifact-roots", work.toString(),
                "streamrec.scoring.warmup-runs", 1,
                "streamrec.scoring.batch-size", 32,
                "streamrec.scoring.max-wait", "50ms",
                // A killed member leaves the group when its session times out: keep that short.
                "kafka.streams.default.session.timeout.ms", 6000,
                "kafka.streams.default.heartbeat.interval.ms", 1500));
        Path props = work.resolve("app.properties");
        Properties p = new Properties();
        app.properties.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        try (OutputStream out = Files.newOutputStream(props)) {
            p.store(out, "kill-restart test");
        }
        SharedKafka.cluster().createTopics(1, app.topic("model-updates"));
        SharedKafka.cluster().createTopics(2, app.topic("user-events")); // as the app would (streamrec.topics.default-partitions)
        SwapWorkload.publish(app, TrainedModels.announcement(TrainedModels.export(work, "v1", 1L)));
        List<UserEvent> events = SwapWorkload.events(EVENTS, 31L);
        SwapWorkload.produce(app, events);

        Process first = start(props, work.resolve("first.log"));
        Process second = null;
        List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
            // when it is killed a third of the way through
            SwapWorkload.readUntil(c, recs, l -> l.size() >= EVENTS / 3, Duration.ofSeconds(120), "a third of the lists");
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            int beforeKill = recs.size();

            // and restarted on the same state directory, with a newer model announced
            second = start(props, work.resolve("second.log"));
            SwapWorkload.publish(app, TrainedModels.announcement(TrainedModels.export(work, "v2", 2L)));
            SwapWorkload.readUntil(c, recs, l -> l.size() >= EVENTS, Duration.ofSeconds(150), EVENTS + " lists");
            c.poll(Duration.ofSeconds(3)).forEach(recs::add); // anything extra would show here

            // then exactly one list per event, none lost, none doubled, versions forward only
            Map<String, Long> perVersion = SwapWorkload.verify(recs, events, List.of("heuristic", "v1", "v2"));
            assertThat(perVersion).containsKey("v1");
            System.out.printf("kill-restart: %d lists committed before the kill; per version %s; restart log: %s%n",
                    beforeKill, perVersion, restored(work.resolve("second.log")));
        } finally {
            first.destroyForcibly();
            if (second != null) {
                second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process start(Path props, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), ChildApp.class.getName(), props.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<String> restored(Path log) throws IOException {
        return Files.readAllLines(log).stream().filter(l -> l.contains("buffered event(s) restored")).toList();
    }
}
