package dev.streamrec.app.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.streamrec.avro.EventType;
import dev.streamrec.app.filter.RecommendRules;
import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.Topics;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.streamrec.topics.TenantKeys;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.test.TestRecord;

/** The production topology in a TopologyTestDriver, with typed topics and helpers for the tests. */
final class TopologyFixture implements AutoCloseable {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final AppTopics TOPICS = AppTopics.of(Topics.DEFAULT, "test-item-neighbours", "test-trending-items");

    final RecordingMetrics metrics = new RecordingMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, UserEvent> events;
    final TestInputTopic<byte[], byte[]> rawEvents;
    final TestInputTopic<String, Item> catalog;
    final TestOutputTopic<String, Recommendations> recommendations;
    final TestOutputTopic<byte[], byte[]> dlq;
    final TestOutputTopic<String, ItemNeighbours> neighbours;
    final TestOutputTopic<String, TrendingItems> trending;
    private final Path stateDir;
    private final TopologySettings settings;
    private int sequence;

    TopologyFixture(TopologySettings settings) {
        this(settings, new HeuristicRanker());
    }

    TopologyFixture(TopologySettings settings, Ranker ranker) {
        this(settings, ranker, MicroBatching.NONE);
    }

    TopologyFixture(TopologySettings settings, Ranker ranker, MicroBatching batching) {
        this(settings, RecommendRules.DEFAULTS, ranker, batching);
    }

    /**
     * Where the driver's state lives: tmpfs when the machine has one. The driver commits after every
     * record and each commit writes and renames a checkpoint file per store, which on a disk costs a
     * metadata sync each (WriteVolumeTest: minutes on disk, seconds in memory).
     */
    private static Path scratch() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    TopologyFixture(TopologySettings settings, RecommendRules rules, Ranker ranker, MicroBatching batching) {
        this(settings, TenantRules.of(rules), ranker, batching);
    }

    TopologyFixture(TopologySettings settings, TenantRules rules, Ranker ranker, MicroBatching batching) {
        this(settings, rules, ranker, batching, new Properties());
    }

    /** With {@code extra} Kafka Streams properties on top of the app's (e.g. a smaller record cache). */
    TopologyFixture(TopologySettings settings, Ranker ranker, MicroBatching batching, Properties extra) {
        this(settings, TenantRules.of(RecommendRules.DEFAULTS), ranker, batching, extra);
    }

    private TopologyFixture(TopologySettings settings, TenantRules rules, Ranker ranker, MicroBatching batching,
                            Properties extra) {
        this.settings = settings;
        try {
            stateDir = Files.createTempDirectory(scratch(), "streamrec-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "streamrec-ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        StreamrecTopology.configure(props, TOPICS, metrics);
        props.putAll(extra);
        driver = new TopologyTestDriver(StreamrecTopology.build(settings, rules, TOPICS, ranker, metrics, batching, props), props, T0);
        events = driver.createInputTopic(TOPICS.userEvents().name(), TOPICS.userEvents().keySerde().serializer(),
                TOPICS.userEvents().valueSerde().serializer());
        rawEvents = driver.createInputTopic(TOPICS.userEvents().name(), new ByteArraySerializer(), new ByteArraySerializer());
        catalog = driver.createInputTopic(TOPICS.itemCatalog().name(), new StringSerializer(),
                TOPICS.itemCatalog().valueSerde().serializer());
        recommendations = driver.createOutputTopic(TOPICS.recommendations().name(),
                TOPICS.recommendations().keySerde().deserializer(), TOPICS.recommendations().valueSerde().deserializer());
        dlq = driver.createOutputTopic(TOPICS.userEventsDlq().name(), TOPICS.userEventsDlq().keySerde().deserializer(),
                TOPICS.userEventsDlq().valueSerde().deserializer());
        neighbours = driver.createOutputTopic(TOPICS.itemNeighbours().name(), TOPICS.itemNeighbours().keySerde().deserializer(),
                TOPICS.itemNeighbours().valueSerde().deserializer());
        trending = driver.createOutputTopic(TOPICS.trendingItems().name(), TOPICS.trendingItems().keySerde().deserializer(),
                TOPICS.trendingItems().valueSerde().deserializer());
    }

    /** An event {@code offset} after T0 with a fresh id. */
    UserEvent event(String user, String item, EventType type, Duration offset) {
        return UserEvent.newBuilder().setEventId("e-" + (++sequence)).setUserId(user).setItemId(item).setType(type)
                .setTimestamp(T0.plus(offset).toEpochMilli()).setContext(Map.of()).build();
    }

    /** Pipes the event keyed by its user (scoped by its tenant) with record time = event time. */
    UserEvent send(UserEvent e) {
        events.pipeInput(new TestRecord<>(TenantKeys.scope(e.getTenantId(), e.getUserId()), e,
                Instant.ofEpochMilli(e.getTimestamp())));
        return e;
    }

    UserEvent send(String user, String item, EventType type, Duration offset) {
        return send(event(user, item, type, offset));
    }

    void sendRaw(byte[] key, byte[] value, Headers headers) {
        rawEvents.pipeInput(new TestRecord<>(key, value, headers, T0));
    }

    /** Lets the wall-clock punctuations publish neighbours and trending lists into the global stores. */
    void publish() {
        driver.advanceWallClockTime(Duration.ofSeconds(1));
    }

    /** The user's decoded history, {@code null} when the store has none. */
    History history(String user) {
        KeyValueStore<String, UserHistory> store = driver.getKeyValueStore(StreamrecTopology.HISTORY_STORE);
        UserHistory h = store.get(user);
        return h == null ? null : History.of(h);
    }

    ItemNeighbours globalNeighbours(String item) {
        KeyValueStore<String, ValueAndTimestamp<ItemNeighbours>> store =
                driver.getTimestampedKeyValueStore(StreamrecTopology.NEIGHBOURS_GLOBAL_STORE);
        return ValueAndTimestamp.getValueOrNull(store.get(item));
    }

    /** The item's tracked neighbours (from the pair store), best first. */
    ItemNeighbours trackedNeighbours(String item) {
        KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store = driver.getKeyValueStore(StreamrecTopology.COVISIT_STORE);
        return CoVisitAggregator.tracked(store, item, new Decay(settings.covisitHalfLife()), Integer.MAX_VALUE, false);
    }

    List<Recommendations> drainRecommendations() {
        return recommendations.readValuesToList();
    }

    static byte[] bytes(UserEvent e) {
        return Serdes.USER_EVENT.toBytes(e);
    }

    @Override
    public void close() {
        driver.close();
        try {
            Utils.delete(stateDir.toFile());
        } catch (IOException e) {
            // best effort: a temp dir
        }
    }
}
