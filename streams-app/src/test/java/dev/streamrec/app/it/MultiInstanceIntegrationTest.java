package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.broker.EmbeddedKafkaCluster;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three instances of one deployment on a three-broker cluster share the input: any instance answers
 * any user's query (by redirecting to the owner), a published model serves on every instance within
 * 5 s, an instance killed with SIGKILL mid-stream hands its tasks to the standby replicas of the
 * others, and a rolling restart of every instance loses nothing. Exactly one list per event in the
 * end, read read_committed, and every user's history holds each of its recent events once.
 */
@Tag("integration")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class MultiInstanceIntegrationTest {

    static final int RATE = 50;
    static final int PARTITIONS = 3;
    static final Duration MODEL_PROPAGATION_BOUND = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpClient notFollowing = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldServeAnyUserFromAnyInstanceAndSurviveAKillAndARollingRestart() throws Exception {
        Path work = Files.createTempDirectory("streamrec-multi-it-");
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.startTemporary(3)) {
            AppInstances deployment = new AppInstances(cluster.bootstrapServers(), Map.of(
                    "streamrec.topics.default-partitions", PARTITIONS,
                    "streamrec.topics.default-replication-factor", 3,
                    "kafka.streams.default.replication.factor", 3,
                    "kafka.streams.default.num.standby.replicas", 1,
                    // a killed member leaves the group when its session times out: keep that short
                    "kafka.streams.default.session.timeout.ms", 6000,
                    "kafka.streams.default.heartbeat.interval.ms", 1500,
                    "streamrec.scoring.warmup-runs", 1,
                    "streamrec.models.artifact-cache-dir", work.resolve("cache").toString(),
                    "streamrec.models.artifact-roots", work.toString())); // the trainer's artifacts below
            TestApp a = deployment.first;
            TestApp b = deployment.another();
            TestApp c = deployment.another();
            List<UserEvent> events = SwapWorkload.events(40_000, 23L);
            Process child = null;
            List<TestApp> running = new ArrayList<>();
            try {
                // given three instances (a and b in this JVM, c in a JVM of its own, to be killed), serving model v1
                TopicAdmin.ensureTopics(cluster.bootstrapServers(),
                        List.of(new TopicSettings(a.topic("model-updates"), 1, (short) 3, true)));
                SwapWorkload.publish(a, TrainedModels.announcement(TrainedModels.export(work.resolve("models"), "v1", 1L)));
                a.start();
                running.add(a);
                child = AppInstances.startChild(c, work, "c");
                b.start();
                running.add(b);
                awaitGroup(a, List.of(a, b, c));
                try (OutputWatch out = new OutputWatch(cluster.bootstrapServers(), a.topic("recommendations"));
                     EventFeed feed = new EventFeed(cluster.bootstrapServers(), a.topic("user-events"), events, RATE)) {
                    long origin = System.currentTimeMillis();

                    // when a newer trainer-made model is published, it serves on every instance within 5 s
                    awaitModelEverywhere(List.of(a, b, c), "v1", System.currentTimeMillis());
                    var v2 = TrainedModels.announcement(TrainedModels.export(work.resolve("models"), "v2", 2L));
                    long publishedAt = System.currentTimeMillis();
                    SwapWorkload.publish(a, v2);
                    Map<String, Long> propagation = awaitModelEverywhere(List.of(a, b, c), "v2", publishedAt);
                    assertThat(propagation.values()).as("ms from publishing v2 to serving it, per instance: %s", propagation)
                            .allMatch(ms -> ms < MODEL_PROPAGATION_BOUND.toMillis());

                    // and any instance answers any user, redirecting to the owner
                    out.awaitLists(ids(events, feed.sent()), Duration.ofSeconds(180), "the instances to catch up");
                    assertAnyInstanceAnswers(a, List.of(a, b, c), events.subList(0, feed.sent()), false);

                    // when c, which has standby copies on the others, is killed mid-stream
                    Map<HostInfo, StreamsMetadata> before = metadata(a);
                    HostInfo cHost = new HostInfo("localhost", AppInstances.port(c));
                    Set<Integer> cPartitions = inputPartitions(before.get(cHost).topicPartitions(), a);
                    Set<Integer> standbyElsewhere = before.entrySet().stream().filter(e -> !e.getKey().equals(cHost))
                            .flatMap(e -> inputPartitions(e.getValue().standbyTopicPartitions(), a).stream())
                            .collect(Collectors.toSet());
                    assertThat(cPartitions).as("input partitions c owns").isNotEmpty();
                    assertThat(standbyElsewhere).as("standby replicas on a and b cover c's partitions").containsAll(cPartitions);
                    long killedAt = System.currentTimeMillis();
                    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

                    // then its partitions move to a and b, and their lists flow again
                    TestApp.await("c's partitions owned by a and b", Duration.ofSeconds(60),
                            () -> !metadata(a).containsKey(cHost) && a.streams().state() == KafkaStreams.State.RUNNING
                                    && b.streams().state() == KafkaStreams.State.RUNNING);
                    long reassignedAt = System.currentTimeMillis();
                    out.await(s -> s.stream().anyMatch(x -> x.atMillis() > reassignedAt && cPartitions.contains(x.record().partition())
                            && feed.sentAt(x.triggerEventId()) != null && feed.sentAt(x.triggerEventId()) > killedAt),
                            Duration.ofSeconds(60), "a list from one of c's partitions for an event sent after the kill");
                    long flowingAt = out.seen().stream().filter(x -> cPartitions.contains(x.record().partition())
                                    && feed.sentAt(x.triggerEventId()) != null && feed.sentAt(x.triggerEventId()) > killedAt)
                            .mapToLong(OutputWatch.Seen::atMillis).min().orElseThrow();
                    out.awaitLists(ids(events, feed.sent()), Duration.ofSeconds(180), "lists of everything sent up to now");
                    long caughtUpAt = System.currentTimeMillis();
                    System.out.printf("multi-instance: c (input partitions %s) killed; partitions reassigned after %d ms,"
                                    + " its partitions' lists flowing again after %d ms, all caught up after %d ms%n",
                            cPartitions, reassignedAt - killedAt, flowingAt - killedAt, caughtUpAt - killedAt);

                    // when every instance is restarted in turn (c comes back in this JVM, on its state directory)
                    c.start();
                    running.add(c);
                    awaitGroup(a, List.of(a, b, c));
                    long rollingFrom = System.currentTimeMillis();
                    for (TestApp app : List.of(a, b, c)) {
                        app.stop();
                        app.start();
                        awaitGroup(a == app ? b : a, List.of(a, b, c));
                    }
                    long rollingTook = System.currentTimeMillis() - rollingFrom;

                    // then nothing was lost or doubled: one list per event, history holds each event once
                    List<UserEvent> sent = feed.stop();
                    assertThat(feed.failures()).as("events the test's producer gave up on").isEmpty();
                    out.awaitLists(ids(sent, sent.size()), Duration.ofSeconds(180), "every list");
                    out.settle(Duration.ofSeconds(3));
                    // (model versions are not checked for order: a restarted instance ranks with the heuristic
                    // until it has reloaded the model, so a partition may go v2, heuristic, v2)
                    Map<String, Long> perVersion = out.assertExactlyOneListPerEvent(sent);
                    assertHistoriesHoldEachEventOnce(List.of(a, b, c), sent);
                    assertAnyInstanceAnswers(a, List.of(a, b, c), sent, true);
                    System.out.printf("multi-instance: %d events at %d/s, per version %s; model v2 serving after %s ms;"
                                    + " rolling restart of 3 instances took %d ms; lists per 2 s: %s%n",
                            sent.size(), RATE, perVersion, propagation, rollingTook, out.timeline(origin, 2000));
                }
            } finally {
                if (child != null) {
                    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                }
                running.forEach(TestApp::stop);
            }
        }
    }

    /** Waits until every instance is RUNNING and the group's metadata lists each with active partitions. */
    private static void awaitGroup(TestApp observer, List<TestApp> all) {
        Set<HostInfo> hosts = all.stream().map(t -> new HostInfo("localhost", AppInstances.port(t))).collect(Collectors.toSet());
        TestApp.await("all " + all.size() + " instances in the group with partitions", Duration.ofSeconds(120), () -> {
            if (observer.context() == null || observer.streams().state() != KafkaStreams.State.RUNNING) {
                return false;
            }
            for (TestApp t : all) {
                if (t.context() != null && t.streams().state() != KafkaStreams.State.RUNNING) {
                    return false;
                }
            }
            Map<HostInfo, StreamsMetadata> m = metadata(observer);
            return m.keySet().equals(hosts) && m.values().stream().allMatch(s -> !s.topicPartitions().isEmpty());
        });
    }

    private static Map<HostInfo, StreamsMetadata> metadata(TestApp observer) {
        Map<HostInfo, StreamsMetadata> out = new HashMap<>();
        observer.streams().metadataForAllStreamsClients().forEach(s -> out.put(s.hostInfo(), s));
        return out;
    }

    private static Set<Integer> inputPartitions(Set<TopicPartition> partitions, TestApp app) {
        return partitions.stream().filter(p -> p.topic().equals(app.topic("user-events")))
                .map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** Milliseconds from {@code publishedAt} until each instance's GET /models/current names {@code version}. */
    private Map<String, Long> awaitModelEverywhere(List<TestApp> apps, String version, long publishedAt) {
        Map<String, Long> out = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (out.size() < apps.size() && System.currentTimeMillis() < deadline) {
            for (TestApp app : apps) {
                String url = AppInstances.url(app);
                if (!out.containsKey(url)) {
                    JsonNode current = getJsonIfUp(url + "/models/current");
                    if (current != null && version.equals(current.path("version").asText())) {
                        out.put(url, System.currentTimeMillis() - publishedAt);
                    }
                }
            }
            sleep(50);
        }
        assertThat(out).as("instances serving %s", version).hasSize(apps.size());
        return out;
    }

    /**
     * A sample of users, each asked of every instance: the owner answers 200, the others answer 307 to
     * the owner, and a client that follows it gets that user's list; once events stop ({@code settled}),
     * the very same list from every instance.
     */
    private void assertAnyInstanceAnswers(TestApp observer, List<TestApp> apps, List<UserEvent> sent, boolean settled) {
        List<String> users = sent.stream().map(UserEvent::getUserId).distinct().limit(30).toList();
        int redirects = 0;
        for (String user : users) {
            HostInfo owner = observer.streams().queryMetadataForKey(StreamrecTopology.RECOMMENDATIONS_STORE, user,
                    Serdes.String().serializer()).activeHost();
            String ownerUrl = "http://" + owner.host() + ":" + owner.port();
            String answer = null;
            for (TestApp app : apps) {
                String url = AppInstances.url(app);
                HttpResponse<String> direct = send(notFollowing, url + "/recommendations/" + user);
                if (url.equals(ownerUrl)) {
                    assertThat(direct.statusCode()).as("owner %s answering for %s: %s", url, user, direct.body()).isEqualTo(200);
                } else {
                    assertThat(direct.statusCode()).as("%s asked for %s, owned by %s", url, user, ownerUrl).isEqualTo(307);
                    assertThat(direct.headers().firstValue("Location")).hasValue(ownerUrl + "/recommendations/" + user);
                    redirects++;
                }
                JsonNode followed = getJson(following, url + "/recommendations/" + user, 200);
                assertThat(followed).as("answer for %s via %s", user, url).isNotNull();
                assertThat(followed.get("userId").asText()).isEqualTo(user);
                if (!settled) { // events keep coming: the list may change between two questions
                    continue;
                }
                String key = followed.get("triggerEventId").asText() + "@" + followed.get("generatedAt").asLong();
                assertThat(answer == null || answer.equals(key)).as("same list for %s from every instance", user).isTrue();
                answer = key;
            }
        }
        assertThat(redirects).as("queries answered by a redirect").isGreaterThan(0);
    }

    /** Each user's history, asked of any instance, holds its last events (up to 50) once each. */
    private void assertHistoriesHoldEachEventOnce(List<TestApp> apps, List<UserEvent> sent) {
        Map<String, List<String>> perUser = new LinkedHashMap<>();
        // The history keeps no event ids: an event is its item, type and time within its user.
        sent.forEach(e -> perUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>())
                .add(e.getItemId() + "|" + e.getType() + "|" + e.getTimestamp()));
        int i = 0;
        for (Map.Entry<String, List<String>> user : perUser.entrySet()) {
            if (i++ % 10 != 0) { // every tenth user, asked of the instances in turn
                continue;
            }
            String url = AppInstances.url(apps.get(i % apps.size()));
            JsonNode history = getJson(following, url + "/users/" + user.getKey() + "/history", 200);
            assertThat(history).as("history of %s", user.getKey()).isNotNull();
            List<String> ids = new ArrayList<>();
            history.get("events").forEach(e -> ids.add(e.get("itemId").asText() + "|" + e.get("type").asText() + "|"
                    + e.get("timestamp").asLong()));
            List<String> all = user.getValue();
            List<String> expected = all.subList(Math.max(0, all.size() - 50), all.size());
            assertThat(ids).as("history of %s: each recent event once", user.getKey()).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    /** The JSON body of a 200 answer, or null for any other answer, a refused connection or a timeout. */
    private JsonNode getJsonIfUp(String url) {
        try {
            HttpResponse<String> r = following.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) { // not listening yet, or too busy starting to answer
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private JsonNode getJson(HttpClient client, String url, int expectedStatus) {
        HttpResponse<String> r = send(client, url);
        if (r.statusCode() != expectedStatus) {
            return null;
        }
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON from " + url + ": " + r.body(), e);
        }
    }

    private static HttpResponse<String> send(HttpClient client, String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("GET " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static List<String> ids(List<UserEvent> events, int count) {
        return events.subList(0, count).stream().map(UserEvent::getEventId).toList();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
