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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Business filters on a real broker: the stream rules (out of stock, at most N per category, the
 * over-fetched stored list with k on the topic), the request-time filters of
 * {@code GET /recommendations/{userId}} ({@code category}, {@code exclude}, {@code includeSeen}), and
 * cold start by the browsed category.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BusinessFiltersIntegrationTest {

    private static final Pattern ITEM = Pattern.compile("\"itemId\":\"([^\"]+)\",\"score\":[^,]+,\"reason\":\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> categories = new HashMap<>();

    @Test
    void shouldApplyStreamRulesRequestFiltersAndColdStart() throws Exception {
        // user-0 below relates each of its 12 items to every other: 12 co-visit sources (the default 3 relates near ones)
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of(
                "streamrec.recommend.k", 2, "streamrec.recommend.overfetch", 4,
                "streamrec.recommend.max-per-category", 3, "streamrec.covisit.max-sources-per-event", 12));
        long t0 = System.currentTimeMillis() - 600_000;
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            app.start();
            // given a catalogue: shoes a0..a5 (a5 out of stock), hats b0..b5, socks s0..s2
            for (int i = 0; i < 6; i++) {
                item(producer, app, "a" + i, "shoes", i != 5);
                item(producer, app, "b" + i, "hats", true);
            }
            for (int i = 0; i < 3; i++) {
                item(producer, app, "s" + i, "socks", true);
            }
            // and one shopper co-visiting every shoe and hat, and sock fans making s1, s2 trend
            int n = 0;
            for (int i = 0; i < 6; i++) {
                send(producer, app, "user-0", "a" + i, t0 + (++n) * 1000L);
                send(producer, app, "user-0", "b" + i, t0 + (++n) * 1000L);
            }
            for (String s : List.of("s1", "s1", "s1", "s2", "s2")) {
                send(producer, app, "sock-fan-" + (++n), s, t0 + n * 1000L);
            }
            // and a1 → b0 a popular pair, so a viewed a1 ranks high for a shopper on b0
            for (int i = 0; i < 4; i++) {
                send(producer, app, "pair-fan-" + i, "a1", t0 + (++n) * 1000L);
                send(producer, app, "pair-fan-" + i, "b0", t0 + (++n) * 1000L);
            }
            producer.flush();
            // b0's published list with every co-visit of user-0 in it: an earlier publication (only part of
            // user-0's events aggregated) is already in the store, and ranking on it left too few hats
            awaitNeighbours(app, "b0", List.of("a0", "a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4", "b5"));
            awaitGlobal(app, StreamrecTopology.CATALOG_GLOBAL_STORE, "s2");
            TestApp.await("s1 and s2 trending", Duration.ofSeconds(30), () -> trending(app).containsAll(List.of("s1", "s2")));

            // when a shopper views a0, a1, then b0
            send(producer, app, "shopper", "a0", t0 + 100_000);
            send(producer, app, "shopper", "a1", t0 + 101_000);
            UserEvent last = send(producer, app, "shopper", "b0", t0 + 102_000);
            producer.flush();
            TestApp.await("the shopper's list for b0", Duration.ofSeconds(30),
                    () -> body(app, "/recommendations/shopper").contains(last.getEventId()));

            // then the stored list is over-fetched (more than k), obeys stock and the category cap
            List<String> stored = ids(body(app, "/recommendations/shopper?k=20"));
            assertThat(stored).as("stored list").hasSizeGreaterThan(2).doesNotContain("a5", "b0");
            for (String category : List.of("shoes", "hats", "socks")) {
                assertThat(stored.stream().filter(id -> category.equals(categories.get(id)))).as("at most 3 " + category)
                        .hasSizeLessThanOrEqualTo(3);
            }
            // and the default answer is k, the top of the stored list
            assertThat(ids(body(app, "/recommendations/shopper"))).isEqualTo(stored.subList(0, 2));

            // category: k items of that category, from further down the stored list when needed
            List<String> hats = ids(body(app, "/recommendations/shopper?category=hats"));
            assertThat(hats).hasSize(2).allSatisfy(id -> assertThat(categories.get(id)).isEqualTo("hats"));
            assertThat(ids(body(app, "/recommendations/shopper?category=nothing"))).isEmpty();

            // exclude: the listed ids are skipped, the next ones fill k
            List<String> excluded = ids(body(app, "/recommendations/shopper?exclude=" + stored.get(0) + "," + stored.get(1)));
            assertThat(excluded).isEqualTo(stored.subList(2, Math.min(4, stored.size())));

            // includeSeen=false: items of the shopper's history (viewed a0, a1) are dropped; by default they may come back
            assertThat(stored).as("precondition: the viewed a1 is in the stored list").contains("a1");
            List<String> unseen = ids(body(app, "/recommendations/shopper?k=20&includeSeen=false"));
            assertThat(unseen).isEqualTo(stored.stream().filter(id -> !id.equals("a0") && !id.equals("a1")).toList());
            assertThat(ids(body(app, "/recommendations/shopper?k=20&includeSeen=true"))).isEqualTo(stored);

            // cold start: a newcomer looking at s0 (co-visited with nothing) gets trending socks first, and the reason says so
            send(producer, app, "newcomer", "s0", t0 + 200_000);
            producer.flush();
            TestApp.await("the newcomer's list", Duration.ofSeconds(30),
                    () -> body(app, "/recommendations/newcomer").contains("\"items\""));
            String cold = body(app, "/recommendations/newcomer?k=20");
            assertThat(ids(cold).subList(0, 2)).containsExactly("s1", "s2");
            assertThat(reasons(cold).subList(0, 2)).containsOnly("trending-in-category:socks");
            assertThat(reasons(cold).subList(2, reasons(cold).size())).as("then overall trending").containsOnly("trending");
        } finally {
            app.stop();
        }
    }

    private void item(KafkaProducer<byte[], byte[]> producer, TestApp app, String id, String category, boolean inStock) {
        categories.put(id, category);
        Item item = Item.newBuilder().setItemId(id).setCategory(category).setInStock(inStock).setAttributes(Map.of()).build();
        producer.send(new ProducerRecord<>(app.topic("item-catalog"), id.getBytes(StandardCharsets.UTF_8),
                Serdes.ITEM.toBytes(item)));
    }

    private static int sequence;

    private static UserEvent send(KafkaProducer<byte[], byte[]> producer, TestApp app, String user, String item, long ts) {
        UserEvent e = UserEvent.newBuilder().setEventId("e-" + (++sequence) + "-" + user).setUserId(user).setItemId(item)
                .setType(EventType.VIEW).setTimestamp(ts).build();
        producer.send(new ProducerRecord<>(app.topic("user-events"), null, ts, user.getBytes(StandardCharsets.UTF_8),
                Serdes.USER_EVENT.toBytes(e)));
        return e;
    }

    private static void awaitGlobal(TestApp app, String store, String key) {
        TestApp.await(key + " in " + store, Duration.ofSeconds(30), () -> app.streams().store(StoreQueryParameters
                .fromNameAndType(store, QueryableStoreTypes.keyValueStore())).get(key) != null);
    }

    private static void awaitNeighbours(TestApp app, String item, List<String> neighbours) {
        TestApp.await(item + "'s neighbours " + neighbours, Duration.ofSeconds(30), () -> {
            dev.streamrec.avro.internal.ItemNeighbours list = app.neighbours(item);
            return list != null && list.getNeighbours().stream().map(n -> n.getItemId()).toList().containsAll(neighbours);
        });
    }

    private static List<String> trending(TestApp app) {
        List<String> ids = new ArrayList<>();
        try (var all = app.streams().store(StoreQueryParameters.fromNameAndType(StreamrecTopology.TRENDING_GLOBAL_STORE,
                QueryableStoreTypes.<String, dev.streamrec.avro.internal.TrendingItems>keyValueStore())).all()) {
            all.forEachRemaining(kv -> kv.value.getItems().forEach(t -> ids.add(t.getItemId())));
        }
        return ids;
    }

    private String body(TestApp app, String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (Exception e) {
            return "";
        }
    }

    private static List<String> ids(String body) {
        return group(body, 1);
    }

    private static List<String> reasons(String body) {
        return group(body, 2);
    }

    private static List<String> group(String body, int g) {
        List<String> out = new ArrayList<>();
        Matcher m = ITEM.matcher(body);
        while (m.find()) {
            out.add(m.group(g));
        }
        return out;
    }
}
