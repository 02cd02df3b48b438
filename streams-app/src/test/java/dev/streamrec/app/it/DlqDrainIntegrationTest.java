package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.topics.DlqHeaders;
import dev.streamrec.ops.replay.HeaderMatch;
import dev.streamrec.ops.replay.ReplayResult;
import dev.streamrec.ops.replay.ReplaySpec;
import dev.streamrec.ops.replay.Replayer;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The documented drain procedure, end to end: events rejected for a reason that a deployment then
 * fixes are replayed from the dead-letter topic and each lands in its user's history exactly once,
 * even when the replay runs twice.
 */
@Tag("integration")
class DlqDrainIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @Timeout(240)
    // given an app whose validation is too strict: events 10 minutes ahead are "from the future"
    @StreamrecApp(properties = "streamrec.validation.max-future=1m")
    void shouldPutEveryDrainedEventInItsUsersHistoryAfterAFix(TestApp app, KafkaTestCluster kafka) throws Exception {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(5).withItems(50));
        long ahead = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
        List<UserEvent> rejected = new ArrayList<>();
        try (var producer = app.producer()) {
            for (int i = 0; i < 40; i++) {
                UserEvent e = sim.next(ahead + i);
                rejected.add(e);
                producer.send(new ProducerRecord<>(app.topic("user-events"), e.getUserId().getBytes(StandardCharsets.UTF_8),
                        Serdes.USER_EVENT.toBytes(e)));
            }
        }
        try (var dlq = app.consumer(app.topic("user-events-dlq"))) {
            List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
            TestApp.readUntil(dlq, seen, r -> r.size() >= rejected.size(), Duration.ofSeconds(60), "dead letters");
            assertThat(seen).as("every future-dated event dead-lettered").hasSize(rejected.size());
            assertThat(new String(seen.getFirst().headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("FUTURE_TIMESTAMP");
        }

        // when the fix is deployed and the DLQ drained by reason, twice
        app.stop();
        app.properties.put("streamrec.validation.max-future", "1d");
        app.start();
        Replayer replayer = new Replayer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), null);
        ReplaySpec drain = ReplaySpec.builder(app.topic("user-events-dlq"), app.topic("user-events"))
                .headerMatch(HeaderMatch.parse(DlqHeaders.REASON + "=^FUTURE_TIMESTAMP$")).build();
        ReplayResult first = replayer.replay(drain);
        assertThat(first.written()).as("drained records").isEqualTo(rejected.size());

        // then every drained event is in its user's history exactly once
        Map<String, Integer> expected = awaitHistories(app, rejected);
        replayer.replay(drain);
        Thread.sleep(3_000); // give a duplicate time to show up, were it not dropped
        assertThat(awaitHistories(app, rejected)).as("a second drain changes nothing").isEqualTo(expected);
    }

    /**
     * eventId → occurrences in its user's history, once every drained event is there. The history keeps
     * no event ids: an entry is matched to the event of its user with the same item, type and time.
     */
    private static Map<String, Integer> awaitHistories(TestApp app, List<UserEvent> events) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, Integer> counts = new HashMap<>();
            for (String user : events.stream().map(UserEvent::getUserId).distinct().toList()) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/users/" + user + "/history"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    for (JsonNode e : JSON.readTree(r.body()).path("events")) {
                        String content = user + "|" + e.path("itemId").asText() + "|" + e.path("type").asText() + "|"
                                + e.path("timestamp").asLong();
                        for (UserEvent sent : events) {
                            if (content.equals(content(sent))) {
                                counts.merge(sent.getEventId(), 1, Integer::sum);
                            }
                        }
                    }
                }
            }
            boolean all = events.stream().allMatch(e -> counts.getOrDefault(e.getEventId(), 0) >= 1);
            if (all) {
                for (UserEvent e : events) {
                    assertThat(counts.get(e.getEventId())).as("occurrences of " + e.getEventId()).isEqualTo(1);
                }
                return counts;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("drained events missing from histories after 60 s: "
                        + events.stream().filter(e -> !counts.containsKey(e.getEventId())).count());
            }
            Thread.sleep(500);
        }
    }

    private static String content(UserEvent e) {
        return e.getUserId() + "|" + e.getItemId() + "|" + e.getType() + "|" + e.getTimestamp();
    }
}
