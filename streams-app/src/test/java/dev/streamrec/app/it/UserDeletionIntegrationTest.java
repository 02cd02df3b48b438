package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.concurrent.TimeUnit;

import dev.streamrec.app.privacy.DeletionTopicCheck;
import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code DELETE /users/{userId}} end to end on a real broker: the request goes through the
 * user-deletions topic, the user's stores are emptied with tombstones in every user changelog and on
 * the recommendations topic, a restore from the changelogs does not bring the user back, and the
 * user's next event starts a new history.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class UserDeletionIntegrationTest {

    private static final String TOKEN = "erase-admin-token";
    /** The user-keyed stores (each with a changelog). */
    private static final List<String> USER_STORES = List.of(StreamrecTopology.HISTORY_STORE,
            StreamrecTopology.RECOMMENDATIONS_STORE);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldEraseAUserEverywhereAndKeepThemErasedAcrossARestart() throws Exception {
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of("streamrec.admin.token", TOKEN));
        long t0 = System.currentTimeMillis() - 600_000;
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            app.start();
            // given two users with histories and lists
            for (int i = 0; i < 6; i++) {
                send(producer, app, event("doomed-" + i, "doomed", "item-" + (i % 3), EventType.VIEW, t0 + i * 1000L));
                send(producer, app, event("kept-" + i, "kept", "item-" + (i % 3), EventType.VIEW, t0 + i * 1000L + 500));
            }
            send(producer, app, event("doomed-buy", "doomed", "item-9", EventType.PURCHASE, t0 + 7000));
            producer.flush();
            awaitStatus(app, "/recommendations/doomed", 200);
            awaitStatus(app, "/users/doomed/history", 200);
            awaitStatus(app, "/recommendations/kept", 200);

            // when the user is deleted without the token, nothing happens; with it, 202 names the request
            assertThat(delete(app, "doomed", null).statusCode()).isEqualTo(401);
            assertThat(delete(app, "doomed", "wrong").statusCode()).isEqualTo(403);
            HttpResponse<String> accepted = delete(app, "doomed", TOKEN);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            assertThat(accepted.body()).contains("\"userId\":\"doomed\"").contains("\"topic\":\"" + app.topic("user-deletions") + "\"");

            // then history and list are gone, the other user's stay
            awaitStatus(app, "/users/doomed/history", 404);
            awaitStatus(app, "/recommendations/doomed", 404);
            assertThat(get(app, "/users/kept/history").statusCode()).isEqualTo(200);
            assertThat(get(app, "/recommendations/kept").statusCode()).isEqualTo(200);
            TestApp.await("streamrec_user_deletions_total 1", Duration.ofSeconds(10),
                    () -> metrics(app).contains("streamrec_user_deletions_total 1.0"));

            // and the recommendations topic and every user changelog end with a tombstone for the user
            assertThat(lastValue(app, app.topic("recommendations"), "doomed")).as("recommendations").isEqualTo(Last.TOMBSTONE);
            for (String store : USER_STORES) {
                assertThat(lastValue(app, app.id + "-" + store + "-changelog", "doomed")).as(store + " changelog")
                        .isEqualTo(Last.TOMBSTONE);
                assertThat(lastValue(app, app.id + "-" + store + "-changelog", "kept")).as(store + " changelog, other user")
                        .isEqualTo(Last.VALUE);
            }

            // when the app restarts on an empty state directory (every store restored from its changelog)
            app.stop();
            app.freshStateDir();
            app.start();

            // then the user is still gone and the other user is back
            awaitStatus(app, "/users/kept/history", 200);
            assertThat(get(app, "/users/doomed/history").statusCode()).as("restored history").isEqualTo(404);
            assertThat(get(app, "/recommendations/doomed").statusCode()).as("restored list").isEqualTo(404);

            // and the user's next event starts from scratch: one event, no purchase remembered
            send(producer, app, event("doomed-again", "doomed", "item-1", EventType.VIEW, System.currentTimeMillis()));
            producer.flush();
            awaitStatus(app, "/users/doomed/history", 200);
            String history = get(app, "/users/doomed/history").body();
            assertThat(history).as("a fresh history").contains("\"events\":[{\"itemId\":\"item-1\",\"type\":\"VIEW\"")
                    .doesNotContain("item-0").as("no purchase remembered").doesNotContain("item-9");
            awaitStatus(app, "/recommendations/doomed", 200);
            assertThat(get(app, "/recommendations/doomed").body()).contains("\"triggerEventId\":\"doomed-again\"");
        } finally {
            app.stop();
        }
    }

    @Test
    void shouldRefuseToStartWhenTheDeletionsTopicIsNotPartitionedLikeUserEvents() throws Exception {
        // given user-events with 2 partitions and a user-deletions topic someone created with 1
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, app.bootstrap))) {
            admin.createTopics(List.of(new NewTopic(app.topic("user-events"), 2, (short) 1),
                    new NewTopic(app.topic("user-deletions"), 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try {
            // when the app starts, then it stops with one line saying what to fix
            assertThatThrownBy(app::start).satisfies(e -> assertThat(rootCause(e))
                    .isInstanceOf(DeletionTopicCheck.CoPartitioningException.class)
                    .hasMessageContaining("topic " + app.topic("user-deletions") + " has 1 partition(s) but "
                            + app.topic("user-events") + " has 2")
                    .satisfies(c -> assertThat(c.getMessage()).doesNotContain("\n")));
        } finally {
            app.stop();
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private enum Last { NONE, VALUE, TOMBSTONE }

    /** The last record of {@code key} on a topic (read_committed, from the beginning to the end offsets). */
    private static Last lastValue(TestApp app, String topic, String key) {
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(topic)) {
            Map<String, Last> last = new HashMap<>();
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // poll until the assignment is there and everything up to the end offsets is read
            while (System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(read::add);
                if (!c.assignment().isEmpty()) {
                    Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(c.assignment());
                    if (end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                        break;
                    }
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : read) {
                if (r.key() != null && key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                    last.put(key, r.value() == null ? Last.TOMBSTONE : Last.VALUE);
                }
            }
            return last.getOrDefault(key, Last.NONE);
        }
    }

    private static UserEvent event(String id, String user, String item, EventType type, long ts) {
        return UserEvent.newBuilder().setEventId(id).setUserId(user).setItemId(item).setType(type).setTimestamp(ts).build();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, TestApp app, UserEvent e) {
        producer.send(new ProducerRecord<>(app.topic("user-events"), null, e.getTimestamp(),
                e.getUserId().getBytes(StandardCharsets.UTF_8), Serdes.USER_EVENT.toBytes(e)));
    }

    private void awaitStatus(TestApp app, String path, int status) {
        TestApp.await(path + " answering " + status, Duration.ofSeconds(60), () -> {
            try {
                return get(app, path).statusCode() == status;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private String metrics(TestApp app) {
        try {
            return get(app, "/prometheus").body();
        } catch (Exception e) {
            return "";
        }
    }

    private HttpResponse<String> get(TestApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(TestApp app, String user, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/users/" + user)).DELETE()
                .timeout(Duration.ofSeconds(15));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
