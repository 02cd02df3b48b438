package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.streamrec.app.topology.RejectReason;
import dev.streamrec.app.topology.History;
import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.DlqHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 20,000 simulated events with 1% corrupted bytes and 1% duplicate deliveries through the running
 * app on a real broker, exactly-once, with and without a restart in the middle of the stream.
 */
@Tag("integration")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
@StreamrecApp(properties = "streamrec.history.max-events=10000")
class PipelineIntegrationTest {

    private static final int EVENTS = 20_000;

    /** What was sent: the valid events, the corrupted records, the duplicates. */
    record Workload(List<ProducerRecord<byte[], byte[]>> records, Map<String, UserEvent> valid,
                    Set<String> corruptedValues, int duplicates) {
    }

    @Test
    void shouldProcessEveryValidEventExactlyOnceAndDeadLetterEveryCorruptedOne(TestApp app) {
        Workload w = workload(app, 11L);
        produce(app, w.records());
        verify(app, w);
        shouldHaveCreatedTopicsThatCanShrink(app);
    }

    /**
     * Bounded disk: the changelogs Kafka Streams created and the compacted topics the app created roll
     * 16 MiB segments (application.yml), so compaction reaches them; the broker's default is 1 GiB.
     */
    private static void shouldHaveCreatedTopicsThatCanShrink(TestApp app) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, app.bootstrap))) {
            List<ConfigResource> topics = List.of(app.id + "-user-history-changelog", app.id + "-item-signals-repartition",
                    app.topic("item-catalog"), app.topic("user-events")).stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
            Map<ConfigResource, Config> configs = admin.describeConfigs(topics).all().get(30, TimeUnit.SECONDS);
            Map<String, String> segmentBytes = configs.entrySet().stream().collect(Collectors.toMap(
                    e -> e.getKey().name(), e -> e.getValue().get(TopicConfig.SEGMENT_BYTES_CONFIG).value()));
            assertThat(segmentBytes).as("segment.bytes per topic").containsEntry(app.id + "-user-history-changelog", "16777216")
                    .containsEntry(app.id + "-item-signals-repartition", "16777216")
                    .containsEntry(app.topic("item-catalog"), "16777216")
                    .containsEntry(app.topic("user-events"), "1073741824"); // the broker's: input is not compacted
            assertThat(configs.get(topics.get(0)).get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        } catch (Exception e) {
            throw new AssertionError("describing the app's topics failed: " + e.getMessage(), e);
        }
    }

    @Test
    void shouldRestoreStateAndKeepExactlyOnceAcrossARestartMidStream(TestApp app) {
        Workload w = workload(app, 12L);
        int half = w.records().size() / 2;
        try (KafkaConsumer<byte[], byte[]> recs = app.consumer(app.topic("recommendations"))) {
            produce(app, w.records().subList(0, half));
            // Stop while it is still working through the first half.
            TestApp.readUntil(recs, new ArrayList<>(), l -> l.size() >= half / 4, Duration.ofSeconds(90),
                    "a quarter of the first half's recommendations");
        }
        app.stop();

        produce(app, w.records().subList(half, w.records().size()));
        app.freshStateDir(); // nothing local: every store must come back from its changelog
        app.start();
        verify(app, w);
    }

    private static Workload workload(TestApp app, long seed) {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withSeed(seed));
        SplittableRandom random = new SplittableRandom(seed);
        long t0 = System.currentTimeMillis() - EVENTS * 50L - 60_000;
        String topic = app.topic("user-events");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(EVENTS);
        Map<String, UserEvent> valid = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> sentValid = new ArrayList<>();
        Set<String> corrupted = new HashSet<>();
        int duplicates = 0;
        for (int i = 0; i < EVENTS; i++) {
            long ts = t0 + i * 50L;
            double dice = random.nextDouble();
            if (dice < 0.01 && !sentValid.isEmpty()) { // a duplicate delivery of a recent event
                ProducerRecord<byte[], byte[]> original = sentValid.get(Math.max(0, sentValid.size() - 1 - random.nextInt(50)));
                records.add(new ProducerRecord<>(topic, null, ts, original.key(), original.value()));
                duplicates++;
                continue;
            }
            UserEvent e = sim.next(ts);
            byte[] key = e.getUserId().getBytes(StandardCharsets.UTF_8);
            byte[] value = Serdes.USER_EVENT.toBytes(e);
            if (dice < 0.02) { // corrupted bytes: cut short, or the marker damaged
                value = random.nextBoolean() ? java.util.Arrays.copyOf(value, value.length / 2) : damageMarker(value);
                corrupted.add(java.util.HexFormat.of().formatHex(value));
                records.add(new ProducerRecord<>(topic, null, ts, key, value));
                continue;
            }
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, ts, key, value);
            records.add(r);
            sentValid.add(r);
            valid.put(e.getEventId(), e);
        }
        return new Workload(records, valid, corrupted, duplicates);
    }

    private static String content(String user, String item, EventType type, long timestamp) {
        return user + "|" + item + "|" + type + "|" + timestamp;
    }

    private static byte[] damageMarker(byte[] value) {
        byte[] copy = value.clone();
        copy[0] = 0x00;
        return copy;
    }

    private static void produce(TestApp app, List<ProducerRecord<byte[], byte[]>> records) {
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private static void verify(TestApp app, Workload w) {
        // Every valid event produced exactly one recommendations record (matched by triggerEventId).
        List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
            TestApp.readUntil(c, recs, l -> l.size() >= w.valid().size(), Duration.ofSeconds(150),
                    w.valid().size() + " recommendations");
            c.poll(Duration.ofSeconds(2)).forEach(recs::add); // anything extra would show here
        }
        Map<String, Long> perTrigger = recs.stream()
                .map(r -> Serdes.RECOMMENDATIONS.fromBytes(r.value()))
                .collect(Collectors.groupingBy(Recommendations::getTriggerEventId, Collectors.counting()));
        assertThat(perTrigger.keySet()).as("one list per valid event, none for anything else")
                .containsExactlyInAnyOrderElementsOf(w.valid().keySet());
        assertThat(perTrigger.values()).as("exactly one list per valid event").containsOnly(1L);
        assertThat(recs).hasSize(w.valid().size());

        // Every corrupted record is in the DLQ with its reason, original bytes, and nothing else is.
        List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("user-events-dlq"))) {
            TestApp.readUntil(c, dead, l -> l.size() >= w.corruptedValues().size(), Duration.ofSeconds(30),
                    w.corruptedValues().size() + " dead letters");
            c.poll(Duration.ofSeconds(1)).forEach(dead::add);
        }
        assertThat(dead.stream().map(r -> java.util.HexFormat.of().formatHex(r.value())).toList())
                .as("the corrupted records, each once, with their original bytes")
                .containsExactlyInAnyOrderElementsOf(w.corruptedValues());
        assertThat(dead).allSatisfy(r -> {
            assertThat(TestApp.headerValues(r, DlqHeaders.REASON)).containsExactly(RejectReason.UNDECODABLE.name());
            assertThat(TestApp.headerValues(r, DlqHeaders.STREAMS_TOPIC)).containsExactly(app.topic("user-events"));
            assertThat(TestApp.headerValues(r, DlqHeaders.STREAMS_OFFSET)).hasSize(1);
            assertThat(TestApp.headerValues(r, DlqHeaders.STREAMS_EXCEPTION)).hasSize(1);
        });

        // Every valid event is in its user's history exactly once (state restored where it restarted). The
        // history keeps no event ids; an event is its user, item, type and time (times are distinct here).
        Map<String, String> byContent = new HashMap<>();
        w.valid().values().forEach(e -> byContent.put(content(e.getUserId(), e.getItemId(), e.getType(), e.getTimestamp()),
                e.getEventId()));
        Map<String, Integer> inHistory = new HashMap<>();
        KafkaStreams streams = app.streams();
        ReadOnlyKeyValueStore<String, UserHistory> store = streams.store(StoreQueryParameters.fromNameAndType(
                StreamrecTopology.HISTORY_STORE, QueryableStoreTypes.<String, UserHistory>keyValueStore()));
        try (KeyValueIterator<String, UserHistory> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, UserHistory> kv = it.next();
                History h = History.of(kv.value);
                for (int i = 0; i < h.size(); i++) {
                    String c = content(kv.key, h.itemId(i), h.type(i), h.timestamp(i));
                    assertThat(byContent.get(c)).as("history entry %s is a valid event of its user", c).isNotNull();
                    inHistory.merge(byContent.get(c), 1, Integer::sum);
                }
            }
        }
        assertThat(inHistory.keySet()).as("every valid event in its user's history")
                .containsExactlyInAnyOrderElementsOf(w.valid().keySet());
        assertThat(inHistory.values()).as("each exactly once").containsOnly(1);
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
}
