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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.TenantKeys;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tenants on a real broker: over a mixed stream of three shops whose user ids all overlap and whose
 * item ids overlap in part, no item of one tenant is recommended to a user of another (topic and HTTP),
 * no history or co-visitation entry crosses (interactive queries and HTTP), shop-b's own rule (at most
 * one item per category) applies to shop-b only, and the tenant metric label is capped (with 3 labels,
 * one of shop-a and shop-c is counted as {@code other}). shop-b has a model name configured and none
 * published: its own model manager follows model-updates, and the heuristic ranks its users meanwhile.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@StreamrecApp(properties = {"streamrec.recommend.k=10", "streamrec.tenants.shop-b.max-per-category=1",
        "streamrec.tenants.shop-b.model=shop-b-recs", "streamrec.tenant-metrics.max-labels=3"})
class TenantIsolationIntegrationTest {

    private static final List<String> TENANTS = List.of("shop-a", "shop-b", "shop-c");
    /** Every shop sells item-0..item-5 (shared ids) and its own <tenant>-only-0..5; all in category "hats". */
    private static final int SHARED = 6;
    private static final Pattern ITEM = Pattern.compile("\"itemId\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldKeepEveryTenantsUsersItemsAndStateApart(TestApp app) throws Exception {
        // given the three shops' catalogues (one category, so shop-b's cap of 1 per category shows), keyed by tenant
        Map<String, Set<String>> itemsOf = new HashMap<>();
        long t0 = System.currentTimeMillis() - 600_000;
        int events = 0;
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            for (String tenant : TENANTS) {
                Set<String> items = new HashSet<>();
                for (int i = 0; i < SHARED; i++) {
                    items.add("item-" + i);
                    items.add(tenant + "-only-" + i);
                }
                itemsOf.put(tenant, items);
                for (String id : items) {
                    Item item = Item.newBuilder().setItemId(id).setTenantId(tenant).setCategory("hats").setInStock(true)
                            .setAttributes(Map.of()).build();
                    producer.send(new ProducerRecord<>(app.topic("item-catalog"), utf8(TenantKeys.scope(tenant, id)),
                            Serdes.ITEM.toBytes(item)));
                }
            }
            // and a mixed stream: user-0..user-7 in every shop (overlapping user ids), each browsing shared and own items
            Random random = new Random(13);
            events = mixedRounds(producer, app, random, 6, t0, events);
            // and the graph and trending lists of every shop published (lists made before are cold and short)
            TestApp.await("every shop's graph and trending lists", Duration.ofSeconds(60),
                    () -> tenantsIn(app, StreamrecTopology.NEIGHBOURS_GLOBAL_STORE).containsAll(TENANTS)
                            && tenantsIn(app, StreamrecTopology.TRENDING_GLOBAL_STORE).containsAll(TENANTS));
            // and two more mixed rounds, ranked with the graph
            events = mixedRounds(producer, app, random, 2, t0, events);
        }

        // when every event has its list on the recommendations topic
        int total = events;
        List<Recommendations> lists = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = app.consumer(app.topic("recommendations"))) {
            List<ConsumerRecord<byte[], byte[]>> records = TestApp.readUntil(consumer, new ArrayList<>(),
                    r -> r.size() >= total, Duration.ofSeconds(90), "a list per event");
            for (ConsumerRecord<byte[], byte[]> r : records) {
                keys.add(new String(r.key(), StandardCharsets.UTF_8));
                lists.add(Serdes.RECOMMENDATIONS.fromBytes(r.value()));
            }
        }

        // then every list is named by its tenant, keyed by the scoped user, and holds that tenant's plain item ids only
        assertThat(lists).as("one list per event").hasSize(total);
        Map<String, Integer> maxHats = new HashMap<>();
        for (int i = 0; i < lists.size(); i++) {
            Recommendations r = lists.get(i);
            String tenant = r.getTenantId();
            assertThat(TENANTS).as("tenant of list %d", i).contains(tenant);
            assertThat(keys.get(i)).isEqualTo(tenant + "|" + r.getUserId());
            List<String> ids = r.getItems().stream().map(RecommendedItem::getItemId).toList();
            assertThat(itemsOf.get(tenant)).as("items recommended to %s of %s", r.getUserId(), tenant).containsAll(ids);
            for (String other : TENANTS) {
                if (!other.equals(tenant)) {
                    assertThat(ids).as("no item of %s for a user of %s", other, tenant)
                            .noneMatch(id -> id.startsWith(other + "-only-"));
                }
            }
            maxHats.merge(tenant, ids.size(), Math::max);
        }
        // and shop-b's rule (at most 1 per category: all its items are hats) applies to shop-b only
        assertThat(maxHats.get("shop-b")).as("shop-b: at most 1 hat per list").isEqualTo(1);
        assertThat(maxHats.get("shop-a")).as("shop-a: the global rule, no category cap").isGreaterThan(1);

        assertThat(lists).filteredOn(r -> r.getTenantId().equals("shop-b")).extracting(Recommendations::getModelVersion)
                .as("shop-b before its model is published").containsOnly("heuristic");

        // and the history and graph stores hold each tenant's entries under its own scoped keys, never crossing
        ReadOnlyKeyValueStore<String, ItemNeighbours> graph = app.streams().store(StoreQueryParameters.fromNameAndType(
                StreamrecTopology.NEIGHBOURS_GLOBAL_STORE, QueryableStoreTypes.keyValueStore()));
        int graphEntries = 0;
        try (KeyValueIterator<String, ItemNeighbours> all = graph.all()) {
            while (all.hasNext()) {
                KeyValue<String, ItemNeighbours> kv = all.next();
                String tenant = TenantKeys.tenantOf(kv.key);
                assertThat(TENANTS).as("graph key %s", kv.key).contains(tenant);
                for (NeighbourScore n : kv.value.getNeighbours()) {
                    assertThat(TenantKeys.tenantOf(n.getItemId())).as("neighbour of %s", kv.key).isEqualTo(tenant);
                }
                graphEntries++;
            }
        }
        assertThat(graphEntries).as("graph entries").isGreaterThan(0);
        for (String tenant : TENANTS) {
            String history = body(app, "/users/user-3/history?tenant=" + tenant);
            List<String> seen = ids(history);
            assertThat(seen).as("history of user-3 in %s", tenant).isNotEmpty();
            assertThat(itemsOf.get(tenant)).containsAll(seen);
            assertThat(history).contains("\"tenantId\":\"" + tenant + "\"");
            String served = body(app, "/recommendations/user-3?tenant=" + tenant);
            assertThat(served).contains("\"tenantId\":\"" + tenant + "\"");
            assertThat(itemsOf.get(tenant)).containsAll(ids(served));
        }
        assertThat(status(app, "/users/user-3/history")).as("user-3 of the default tenant never sent anything")
                .isEqualTo(404);
        assertThat(status(app, "/recommendations/user-3?tenant=shop%7Cb")).as("a tenant id with the separator")
                .isEqualTo(400);

        // and the tenant label is capped at 3 tenants: default, the configured shop-b, and the first of shop-a and
        // shop-c seen (the tasks' order decides which); the other one is counted as 'other'
        String metrics = body(app, "/prometheus");
        assertThat(metrics).contains("streamrec_tenant_events_total{tenant=\"default\"}",
                "streamrec_tenant_events_total{tenant=\"shop-b\"}",
                "streamrec_tenant_recommendations_total{tenant=\"shop-b\"}",
                "streamrec_tenant_events_total{tenant=\"other\"}");
        assertThat(metrics.contains("tenant=\"shop-a\"")).as("exactly one of shop-a and shop-c labelled")
                .isNotEqualTo(metrics.contains("tenant=\"shop-c\""));
        assertThat(labelCount(metrics, "streamrec_tenant_events_total")).as("event series: 3 tenants + other")
                .isEqualTo(4);
    }

    /** {@code rounds} rounds of one event per user and shop, shared or own items at random; returns the event count. */
    private static int mixedRounds(KafkaProducer<byte[], byte[]> producer, TestApp app, Random random, int rounds, long t0,
                                   int events) {
        for (int round = 0; round < rounds; round++) {
            for (int u = 0; u < 8; u++) {
                for (String tenant : TENANTS) {
                    String item = random.nextBoolean() ? "item-" + random.nextInt(SHARED)
                            : tenant + "-only-" + random.nextInt(SHARED);
                    send(producer, app, tenant, "user-" + u, item, t0 + (++events) * 100L);
                }
            }
        }
        producer.flush();
        return events;
    }

    /** The tenants with a key in a global store. */
    private static Set<String> tenantsIn(TestApp app, String store) {
        Set<String> tenants = new HashSet<>();
        try (KeyValueIterator<String, Object> all = app.streams().store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.<String, Object>keyValueStore())).all()) {
            all.forEachRemaining(kv -> tenants.add(TenantKeys.tenantOf(kv.key)));
        }
        return tenants;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, TestApp app, String tenant, String user, String item,
                             long ts) {
        UserEvent e = UserEvent.newBuilder().setEventId(tenant + "-" + user + "-" + ts).setUserId(user).setItemId(item)
                .setType(EventType.VIEW).setTimestamp(ts).setTenantId(tenant).build();
        producer.send(new ProducerRecord<>(app.topic("user-events"), null, ts, utf8(TenantKeys.scope(tenant, user)),
                Serdes.USER_EVENT.toBytes(e)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long labelCount(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{")).count();
    }

    private String body(TestApp app, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    private int status(TestApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static List<String> ids(String body) {
        List<String> out = new ArrayList<>();
        Matcher m = ITEM.matcher(body);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
