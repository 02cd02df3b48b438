package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.streamrec.app.health.StreamThreadFailures;
import dev.streamrec.app.metrics.StreamrecMetrics;
import dev.streamrec.app.topology.RejectReason;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.DlqHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Single records that used to stop processing for good, on a real broker with its default
 * {@code message.max.bytes} (1 MiB): an invalid record just under that limit (its DLQ copy with the
 * error headers would not fit), and a valid-looking event with a huge item id (its repartition and
 * changelog records would not fit). The events behind them must get through, each bad record must be
 * in the DLQ or counted, no stream thread may die, and liveness must tell a thread that keeps dying.
 */
@Tag("integration")
class PoisonRecordIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int BEHIND = 30;

    @StreamrecApp
    @Test
    @Timeout(240)
    void shouldDeadLetterOversizedRecordsAndProcessTheEventsBehindThem(TestApp app) throws Exception {
        // given the app with its default limits
        // an invalid record whose value alone is just under the broker's limit
        byte[] nearLimit = new byte[1_040_000];
        new SplittableRandom(1).nextBytes(nearLimit);
        // a valid event with a 400 KB item id
        UserEvent hugeItem = event("user-big", "i".repeat(400_000));
        byte[] hugeItemBytes = Serdes.USER_EVENT.toBytes(hugeItem);

        // when they come first, then ordinary events
        List<UserEvent> behind = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            send(producer, app, "user-junk", nearLimit);
            send(producer, app, hugeItem.getUserId(), hugeItemBytes);
            for (int i = 0; i < BEHIND; i++) {
                UserEvent e = event("user-" + (i % 5), "item-" + (i % 7));
                behind.add(e);
                send(producer, app, e.getUserId(), Serdes.USER_EVENT.toBytes(e));
            }
            producer.flush();
        }

        // then every event behind them gets its recommendation
        assertThat(triggers(app, BEHIND)).containsExactlyInAnyOrderElementsOf(
                behind.stream().map(UserEvent::getEventId).toList());

        // and both bad records are in the DLQ with their reason; the one that would not fit is cut, and says so
        Map<String, ConsumerRecord<byte[], byte[]>> dead = deadLetters(app, 2).stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
        ConsumerRecord<byte[], byte[]> junk = dead.get("user-junk");
        assertThat(TestApp.headerValues(junk, DlqHeaders.REASON)).containsExactly(RejectReason.RECORD_TOO_LARGE.name());
        assertThat(TestApp.headerValues(junk, DlqHeaders.VALUE_TRUNCATED_FROM)).containsExactly("1040000");
        assertThat(junk.value()).as("a prefix of the original value")
                .isEqualTo(Arrays.copyOf(nearLimit, junk.value().length));
        ConsumerRecord<byte[], byte[]> big = dead.get("user-big");
        assertThat(TestApp.headerValues(big, DlqHeaders.REASON)).containsExactly(RejectReason.RECORD_TOO_LARGE.name());
        assertThat(big.value()).as("small enough to keep whole").isEqualTo(hugeItemBytes);

        // and nothing failed on the way: no thread died, nothing was too large to write, liveness is UP
        StreamrecMetrics metrics = app.context().getBean(StreamrecMetrics.class);
        assertThat(metrics.deadLettersTruncated()).isEqualTo(1);
        assertThat(metrics.productionErrors("dead-letter") + metrics.productionErrors("internal")).isZero();
        assertThat(app.context().getBean(StreamThreadFailures.class).totalFailures()).isZero();
        assertThat(get(app, "/health/liveness").statusCode()).isEqualTo(200);
        assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    @StreamrecApp(properties = "streamrec.validation.limits.max-record-bytes=2000000")
    @Test
    @Timeout(240)
    void shouldDeadLetterAHugeIdAsFieldTooLongWhenTheRecordSizeLimitLetsItThrough(TestApp app) throws Exception {
        UserEvent hugeItem = event("user-big", "i".repeat(400_000));
        UserEvent next = event("user-big", "item-1");
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            send(producer, app, hugeItem.getUserId(), Serdes.USER_EVENT.toBytes(hugeItem));
            send(producer, app, next.getUserId(), Serdes.USER_EVENT.toBytes(next));
        }
        assertThat(triggers(app, 1)).containsExactly(next.getEventId());
        ConsumerRecord<byte[], byte[]> dead = deadLetters(app, 1).getFirst();
        assertThat(TestApp.headerValues(dead, DlqHeaders.REASON)).containsExactly(RejectReason.FIELD_TOO_LONG.name());
        assertThat(TestApp.headerValues(dead, DlqHeaders.STREAMS_MESSAGE)).singleElement().asString()
                .isEqualTo("itemId is 400000 chars (limit 256)");
    }

    @org.junit.jupiter.api.Disabled("Unreachable since the packed topology: no internal record holds an item id twice any more (ItemSignal v2 + per-pair graph), so one input under the broker limit no longer yields a larger internal record. Needs a new way to inject a too-large output (issue 8 note); the production-error policy (DeadLettersTest) and the liveness rule (StreamThreadFailuresTest) keep unit tests, the PoisonRecords retry path has none until then.")
    @Test
    @Timeout(240)
    void shouldDeadLetterAnEventWhoseInternalRecordIsTooLargeForTheBrokerWhenLimitsAreOff() throws Exception {
        // given limits switched off (an operator's mistake): a 600 KB item id makes a 1.2 MB repartition record
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), limitsOff());
        try {
            app.start();
            UserEvent hugeItem = event("user-big", "i".repeat(600_000));
            List<UserEvent> behind = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
                send(producer, app, hugeItem.getUserId(), Serdes.USER_EVENT.toBytes(hugeItem));
                for (int i = 0; i < BEHIND; i++) {
                    UserEvent e = event("user-" + (i % 5), "item-" + (i % 7));
                    behind.add(e);
                    send(producer, app, e.getUserId(), Serdes.USER_EVENT.toBytes(e));
                }
            }

            // then the events behind it are processed, what could not be written was counted, and the event
            // itself went to the DLQ when its task retried it (under exactly-once the failed send aborted the
            // transaction, which may cost one stream thread)
            assertThat(triggers(app, BEHIND)).containsExactlyInAnyOrderElementsOf(
                    behind.stream().map(UserEvent::getEventId).toList());
            ConsumerRecord<byte[], byte[]> dead = deadLetters(app, 1).getFirst();
            assertThat(TestApp.headerValues(dead, DlqHeaders.REASON)).containsExactly(RejectReason.OUTPUT_TOO_LARGE.name());
            assertThat(TestApp.headerValues(dead, DlqHeaders.VALUE_TRUNCATED_FROM)).as("fits the DLQ whole").isEmpty();
            StreamrecMetrics metrics = app.context().getBean(StreamrecMetrics.class);
            assertThat(metrics.productionErrors("internal")).as("the too-large repartition/changelog records").isPositive();
            assertThat(app.context().getBean(StreamThreadFailures.class).totalFailures()).as("no loop").isLessThanOrEqualTo(1);
            assertThat(get(app, "/health/liveness").statusCode()).isEqualTo(200);
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
        } finally {
            app.stop();
        }
    }

    @org.junit.jupiter.api.Disabled("Unreachable since the packed topology: no internal record holds an item id twice any more (ItemSignal v2 + per-pair graph), so one input under the broker limit no longer yields a larger internal record. Needs a new way to inject a too-large output (issue 8 note); the production-error policy (DeadLettersTest) and the liveness rule (StreamThreadFailuresTest) keep unit tests, the PoisonRecords retry path has none until then.")
    @Test
    @Timeout(300)
    void shouldReportLivenessDownWhenTheStreamThreadKeepsDying() throws Exception {
        // given limits off and the fail policy for too-large records: the 600 KB item id kills the stream
        // thread, and the replacement thread meets the same record again
        Map<String, Object> config = new HashMap<>(limitsOff());
        config.put("streamrec.errors.record-too-large", "fail");
        config.put("streamrec.health.max-thread-failures", 1);
        // A dead thread's partitions move after the group's session timeout: the minimum, to loop fast.
        config.put("kafka.streams.default.session.timeout.ms", 6000);
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), config);
        try {
            app.start();
            assertThat(get(app, "/health/liveness").statusCode()).as("alive before").isEqualTo(200);
            UserEvent hugeItem = event("user-big", "i".repeat(600_000));
            try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
                send(producer, app, hugeItem.getUserId(), Serdes.USER_EVENT.toBytes(hugeItem));
            }

            // then liveness turns DOWN once more than one thread died within the window
            StreamThreadFailures failures = app.context().getBean(StreamThreadFailures.class);
            TestApp.await("two stream thread deaths", Duration.ofSeconds(180), () -> failures.recentFailures() >= 2);
            HttpResponse<String> live = get(app, "/health/liveness");
            assertThat(live.statusCode()).as(live.body()).isEqualTo(503);
            assertThat(live.body()).contains("threadFailuresInWindow");
        } finally {
            app.stop();
        }
    }

    private static Map<String, Object> limitsOff() {
        return Map.of("streamrec.validation.limits.max-record-bytes", 2_000_000,
                "streamrec.validation.limits.max-id-chars", 2_000_000);
    }

    private static UserEvent event(String user, String item) {
        return UserEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setUserId(user).setItemId(item)
                .setType(EventType.VIEW).setTimestamp(System.currentTimeMillis() - 1_000).setContext(Map.of()).build();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, TestApp app, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(app.topic("user-events"), key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    /** The triggerEventIds of the first {@code n} recommendation records. */
    private static List<String> triggers(TestApp app, int n) {
        List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
            TestApp.readUntil(c, recs, l -> l.size() >= n, Duration.ofSeconds(120), n + " recommendations");
        }
        return recs.stream().map(r -> Serdes.RECOMMENDATIONS.fromBytes(r.value()))
                .map(Recommendations::getTriggerEventId).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(TestApp app, int n) {
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("user-events-dlq"))) {
            TestApp.readUntil(c, dead, l -> l.size() >= n, Duration.ofSeconds(60), n + " dead letters");
            c.poll(Duration.ofSeconds(1)).forEach(dead::add);
        }
        assertThat(dead).hasSize(n);
        return dead;
    }

    static HttpResponse<String> get(TestApp app, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
