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
 * error headers would not fit), a valid-looking event with a huge item id, and a valid event whose
 * list is too large to write (the producer's {@code max.request.size} lowered for that app). The events behind them must get through, each bad record must be
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

    /**
     * The app's producer refuses records over this many bytes ({@code max.request.size}, checked by the
     * client like the broker's limit): the lists of the warm-up and of the events behind stay under it,
     * the poison's list (a 249-character user id and a 250-character event id on top) does not. Since the
     * packed topology no input under the input limits yields an internal record over the broker's 1 MiB,
     * so the limit is lowered instead: the same RecordTooLargeException, from a real record of the topology.
     */
    private static final int PRODUCER_MAX_REQUEST_BYTES = 1_600;
    /** Item ids of the warm-up graph: 45 characters, so ten-item lists come near (not over) the limit. */
    private static final List<String> LONG_ITEMS = java.util.stream.IntStream.range(0, 12)
            .mapToObj(i -> String.format("item-%02d-", i) + "x".repeat(37)).toList();

    @Test
    @Timeout(360)
    void shouldDeadLetterAnEventWhoseOutputIsTooLargeToWriteAndProcessTheEventsBehindIt() throws Exception {
        // given an app whose producer refuses records over the limit, its DLQ records bounded under it
        Map<String, Object> config = new HashMap<>(tooLargeOutputs());
        // The failed send leaves the producer in error; the commit then fails too and costs the stream
        // thread, whose partitions move to its replacement after the session timeout: the minimum.
        config.put("kafka.streams.default.session.timeout.ms", 6000);
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), config);
        try {
            app.start();
            warmUp(app);
            UserEvent poison = poison();
            byte[] poisonBytes = Serdes.USER_EVENT.toBytes(poison);

            // when the poison comes, then ordinary events
            List<UserEvent> behind = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
                send(producer, app, poison.getUserId(), poisonBytes);
                for (int i = 0; i < BEHIND; i++) {
                    UserEvent e = event("user-" + (i % 5), LONG_ITEMS.get(i % 7));
                    behind.add(e);
                    send(producer, app, e.getUserId(), Serdes.USER_EVENT.toBytes(e));
                }
            }

            // then the events behind it are processed, and the poison went to the DLQ when its task retried
            // it (under exactly-once the failed send aborted the transaction, which may cost one stream thread)
            awaitTriggers(app, behind.stream().map(UserEvent::getEventId).toList());
            ConsumerRecord<byte[], byte[]> dead = deadLetters(app, 1).getFirst();
            assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(poison.getUserId());
            assertThat(TestApp.headerValues(dead, DlqHeaders.REASON)).containsExactly(RejectReason.OUTPUT_TOO_LARGE.name());
            List<String> truncatedFrom = TestApp.headerValues(dead, DlqHeaders.VALUE_TRUNCATED_FROM);
            if (truncatedFrom.isEmpty()) {
                assertThat(dead.value()).as("whole").isEqualTo(poisonBytes);
            } else {
                assertThat(truncatedFrom).containsExactly(String.valueOf(poisonBytes.length));
                assertThat(dead.value()).as("a prefix of the original value").isEqualTo(
                        Arrays.copyOf(poisonBytes, dead.value().length));
            }
            // and no list for it: its output was never committed
            StreamrecMetrics metrics = app.context().getBean(StreamrecMetrics.class);
            assertThat(metrics.productionErrors("output")).as("the too-large list, counted").isPositive();
            assertThat(metrics.productionErrors("dead-letter")).as("the DLQ copy fits").isZero();
            assertThat(app.context().getBean(StreamThreadFailures.class).totalFailures()).as("no loop").isLessThanOrEqualTo(1);
            assertThat(get(app, "/health/liveness").statusCode()).isEqualTo(200);
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(allTriggers(app)).as("lists on the topic").doesNotContain(poison.getEventId());
        } finally {
            app.stop();
        }
    }

    @Test
    @Timeout(300)
    void shouldReportLivenessDownWhenTheStreamThreadKeepsDying() throws Exception {
        // given the fail policy for too-large records: the poison's list kills the stream thread, and the
        // replacement thread meets the same record again
        Map<String, Object> config = new HashMap<>(tooLargeOutputs());
        config.put("streamrec.errors.record-too-large", "fail");
        config.put("streamrec.health.max-thread-failures", 1);
        // A dead thread's partitions move after the group's session timeout: the minimum, to loop fast.
        config.put("kafka.streams.default.session.timeout.ms", 6000);
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), config);
        try {
            app.start();
            warmUp(app);
            assertThat(get(app, "/health/liveness").statusCode()).as("alive before").isEqualTo(200);
            UserEvent poison = poison();
            try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
                send(producer, app, poison.getUserId(), Serdes.USER_EVENT.toBytes(poison));
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

    private static Map<String, Object> tooLargeOutputs() {
        return Map.of("kafka.streams.default.producer.max.request.size", PRODUCER_MAX_REQUEST_BYTES,
                "streamrec.dlq.max-record-bytes", PRODUCER_MAX_REQUEST_BYTES - 100);
    }

    /** A valid event (ids within the 256-character limit) whose ten-item list is over the producer's limit. */
    private static UserEvent poison() {
        return UserEvent.newBuilder().setEventId("event-" + "e".repeat(244)).setUserId("user-big-" + "u".repeat(240))
                .setItemId(LONG_ITEMS.getFirst()).setType(EventType.VIEW).setTimestamp(System.currentTimeMillis() - 1_000)
                .setContext(Map.of()).build();
    }

    /**
     * Ten users view the twelve long-id items, so every item has eleven neighbours; returns once a list
     * of ten items is on the topic (the neighbours were published), all of them under the limit. The graph
     * and trending lists are published once per second of wall-clock time, and a fast app ranks the whole
     * first round before that: until a ten-item list shows, each user views one more item per second.
     */
    private static void warmUp(TestApp app) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = app.producer();
             KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
            for (int u = 0; u < 10; u++) {
                for (String item : LONG_ITEMS) {
                    UserEvent e = event("warm-" + u, item);
                    send(producer, app, e.getUserId(), Serdes.USER_EVENT.toBytes(e));
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            for (int round = 0; recs.stream().noneMatch(r -> Serdes.RECOMMENDATIONS.fromBytes(r.value())
                    .getItems().size() >= 10); round++) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after PT2M waiting for a ten-item list (have " + recs.size() + ")");
                }
                c.poll(Duration.ofSeconds(1)).forEach(recs::add);
                for (int u = 0; u < 10 && round > 0; u++) {
                    UserEvent e = event("warm-" + u, LONG_ITEMS.get((u + round) % LONG_ITEMS.size()));
                    send(producer, app, e.getUserId(), Serdes.USER_EVENT.toBytes(e));
                }
            }
        }
        // then, in a second round, every warm-up user gets a full list: the largest ordinary lists
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            for (int u = 0; u < 10; u++) {
                UserEvent e = event("warm-" + u, LONG_ITEMS.get(u));
                send(producer, app, e.getUserId(), Serdes.USER_EVENT.toBytes(e));
            }
        }
    }

    /** Waits until a list for each of {@code eventIds} is on the recommendations topic. */
    private static void awaitTriggers(TestApp app, List<String> eventIds) {
        java.util.Set<String> wanted = new java.util.HashSet<>(eventIds);
        List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
            TestApp.readUntil(c, recs, l -> l.stream().map(r -> Serdes.RECOMMENDATIONS.fromBytes(r.value())
                    .getTriggerEventId()).collect(Collectors.toSet()).containsAll(wanted), Duration.ofSeconds(180),
                    eventIds.size() + " lists");
        }
    }

    /** Every triggerEventId on the recommendations topic now (read_committed). */
    private static List<String> allTriggers(TestApp app) {
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // until something was read and then three polls in a row found nothing more
            for (int empty = 0; empty < 3 && System.nanoTime() < deadline; ) {
                var polled = c.poll(Duration.ofSeconds(1));
                empty = polled.isEmpty() && !out.isEmpty() ? empty + 1 : 0;
                polled.forEach(r -> out.add(Serdes.RECOMMENDATIONS.fromBytes(r.value()).getTriggerEventId()));
            }
        }
        return out;
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
