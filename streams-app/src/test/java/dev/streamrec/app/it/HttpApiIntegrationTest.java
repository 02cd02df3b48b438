package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamrec.app.metrics.StreamrecMetrics;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import dev.streamrec.app.topology.StreamrecTopology;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The HTTP API, health and {@code /prometheus} of the running app, on a real broker. */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpApiIntegrationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @StreamrecApp
    @Test
    void shouldServeRecommendationsHistoryHealthAndGrowingMetrics(TestApp app) throws Exception {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(50).withSeed(7));
        long t0 = System.currentTimeMillis() - 600_000;
        List<UserEvent> first = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = app.producer();
             KafkaConsumer<byte[], byte[]> recs = app.consumer(app.topic("recommendations"))) {
            for (int i = 0; i < 300; i++) {
                first.add(send(producer, app, sim.next(t0 + i * 1000L)));
            }
            producer.send(new ProducerRecord<>(app.topic("user-events"), "user-1".getBytes(StandardCharsets.UTF_8),
                    new byte[] {42, 42})); // undecodable
            producer.flush();
            TestApp.readUntil(recs, new ArrayList<>(), l -> l.size() >= 300, Duration.ofSeconds(60), "300 recommendations");

            // Once the item side has published neighbours and trending items to the global
            // stores, a user's next event gets a non-empty list.
            TestApp.await("trending items in the global store", Duration.ofSeconds(30), () -> {
                try (var all = app.streams().store(StoreQueryParameters.fromNameAndType(
                        StreamrecTopology.TRENDING_GLOBAL_STORE, QueryableStoreTypes.timestampedKeyValueStore())).all()) {
                    return all.hasNext();
                }
            });
            // A task reuses the trending list it read for up to 100 ms (CandidateGenerator.MAX_REUSE_MS): let a
            // read from before the publication expire, or the next list can still be ranked without it.
            Thread.sleep(250);
            UserEvent last = send(producer, app, UserEvent.newBuilder(first.getLast()).setEventId("last-event")
                    .setItemId(first.getFirst().getItemId()).build());
            producer.flush();
            TestApp.readUntil(recs, new ArrayList<>(), l -> l.size() >= 1, Duration.ofSeconds(30), "1 more recommendation");
            first.add(last);

            // Recommendations: the latest list of a known user, cut to k.
            String user = last.getUserId();
            HttpResponse<String> r = get(app, "/recommendations/" + user + "?k=3");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
            assertThat(r.body()).contains("\"userId\":\"" + user + "\"").contains("\"modelVersion\":\"heuristic\"")
                    .contains("\"triggerEventId\":\"" + first.getLast().getEventId() + "\"");
            assertThat(count(r.body(), "\"itemId\"")).as("k=3 cuts the list").isBetween(1, 3);

            // Unknown user: 404 with a JSON error body.
            HttpResponse<String> missing = get(app, "/recommendations/nobody");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("\"error\":\"not_found\"").contains("\"userId\":\"nobody\"");
            assertThat(get(app, "/recommendations/" + user + "?k=0").statusCode()).isEqualTo(400);

            // History.
            HttpResponse<String> h = get(app, "/users/" + user + "/history");
            assertThat(h.statusCode()).isEqualTo(200);
            assertThat(h.body()).as("the last event: item, type and time (the history keeps no event ids)")
                    .contains("{\"itemId\":\"" + last.getItemId() + "\",\"type\":\"" + last.getType()
                            + "\",\"timestamp\":" + last.getTimestamp() + "}");
            assertThat(get(app, "/users/nobody/history").statusCode()).isEqualTo(404);

            // Health: readiness is UP while RUNNING.
            assertThat(get(app, "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(app, "/health/readiness");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);

            // Prometheus: app, Kafka Streams and JVM metrics; counters grow.
            String before = get(app, "/prometheus").body();
            assertThat(before).contains("streamrec_events_in_total{type=\"VIEW\"}")
                    .contains("streamrec_dlq_records_total{reason=\"UNDECODABLE\"} 1.0")
                    .contains("streamrec_recommendations_out_total").contains("streamrec_duplicates_total")
                    .contains("kafka_streams_process_rate").contains("kafka_streams_client_state").contains("jvm_memory_used_bytes");
            double inBefore = sum(before, "streamrec_events_in_total");
            double outBefore = sum(before, "streamrec_recommendations_out_total");
            double dlqBefore = sum(before, "streamrec_dlq_records_total");

            for (int i = 300; i < 400; i++) {
                send(producer, app, sim.next(t0 + i * 1000L));
            }
            UserEvent unknown = UserEvent.newBuilder(sim.next(t0)).setType(EventType.UNKNOWN).build();
            send(producer, app, unknown);
            producer.flush();
            TestApp.readUntil(recs, new ArrayList<>(), l -> l.size() >= 100, Duration.ofSeconds(60), "100 more recommendations");
            TestApp.await("metrics to catch up", Duration.ofSeconds(10),
                    () -> app.context().getBean(StreamrecMetrics.class).recommendationsOut() >= 401);

            String after = get(app, "/prometheus").body();
            assertThat(sum(after, "streamrec_events_in_total")).isGreaterThanOrEqualTo(inBefore + 101);
            assertThat(sum(after, "streamrec_recommendations_out_total")).isGreaterThanOrEqualTo(outBefore + 100);
            assertThat(sum(after, "streamrec_dlq_records_total")).isEqualTo(dlqBefore + 1);
            assertThat(after).contains("streamrec_dlq_records_total{reason=\"UNKNOWN_TYPE\"} 1.0");
            assertThat(app.streams().state()).as("bad records leave the app RUNNING").isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static UserEvent send(KafkaProducer<byte[], byte[]> producer, TestApp app, UserEvent e) {
        producer.send(new ProducerRecord<>(app.topic("user-events"), null, e.getTimestamp(),
                e.getUserId().getBytes(StandardCharsets.UTF_8), Serdes.USER_EVENT.toBytes(e)));
        return e;
    }

    private HttpResponse<String> get(TestApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** Sum of every series of a metric in Prometheus text format. */
    private static double sum(String prometheus, String metric) {
        Matcher m = Pattern.compile("(?m)^" + metric + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(prometheus);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(2));
        }
        return total;
    }
}
