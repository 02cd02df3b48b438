package dev.streamrec.app.topology;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.streamrec.app.filter.RecommendRules;
import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserDeletion;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.serde.AvroSerde;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topic;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the recommendation topology. {@link #define} adds it to a {@link StreamsBuilder} (the
 * application passes micronaut-kafka's {@code default} builder, tests a plain one through
 * {@link #build}); {@link #configure} adds the error handling it relies on to the Streams
 * configuration. Processor, store and repartition names are the constants below, so metrics,
 * changelog topics ({@code <application.id>-<store>-changelog}) and the topology description read
 * well and stay stable across versions.
 *
 * <pre>
 * user-events ─ validate-events (size and length limits first) ─ dedupe-events ─ update-history ─┬─ recommend ─ unscope-tenant ─ recommendations (+ user-recommendations store)
 *  (undecodable/invalid ─▶ user-events-dlq)  [event-ids] [user-history] │     reads global: item-neighbours-global, trending-global, item-catalog-global
 *                                                                  └─ emit-item-signals ─▶ &lt;app&gt;-item-signals-repartition (by item)
 *                                                                        ├─ aggregate-covisits [item-covisit-pairs] ─▶ item-neighbours topic ─▶ item-neighbours-global
 *                                                                        └─ count-trending [item-trend-counts] ─▶ trending-items topic ─▶ trending-global
 * user-deletions ─ erase-requests ─ merge-erasures ─▶ recommend (erases the user's stores and buffered events, tombstone to recommendations)
 * item-catalog ─▶ item-catalog-global
 * </pre>
 *
 * <p>Tenants: {@code validate-events} forwards another tenant's event with its ids scoped
 * ({@code <tenant>|<id>}, {@link dev.streamrec.topics.TenantKeys}), so every store and topic after it keeps
 * tenants apart; {@code unscope-tenant} gives the output record plain ids and {@code tenantId}.
 */
public final class StreamrecTopology {

    // Processor names.
    public static final String USER_EVENTS_SOURCE = "user-events-source";
    public static final String VALIDATE = "validate-events";
    public static final String DEDUPE = "dedupe-events";
    public static final String UPDATE_HISTORY = "update-history";
    public static final String EMIT_ITEM_SIGNALS = "emit-item-signals";
    /** Repartition name: the topic is {@code <application.id>-item-signals-repartition}. */
    public static final String ITEM_SIGNALS = "item-signals";
    public static final String AGGREGATE_COVISITS = "aggregate-covisits";
    public static final String COUNT_TRENDING = "count-trending";
    public static final String NEIGHBOURS_SINK = "item-neighbours-sink";
    public static final String TRENDING_SINK = "trending-items-sink";
    public static final String RECOMMEND = "recommend";
    /** Tenant ids back to plain ids plus {@code tenantId} ({@link TenantRecords}). */
    public static final String UNSCOPE_TENANT = "unscope-tenant";
    public static final String RECOMMENDATIONS_SINK = "recommendations-sink";
    public static final String NEIGHBOURS_GLOBAL_SOURCE = "item-neighbours-global-source";
    public static final String TRENDING_GLOBAL_SOURCE = "trending-global-source";
    public static final String CATALOG_GLOBAL_SOURCE = "item-catalog-global-source";
    public static final String USER_DELETIONS_SOURCE = "user-deletions-source";
    public static final String ERASE_REQUESTS = "erase-requests";
    public static final String MERGE_ERASURES = "merge-erasures";

    // Store names.
    /** Window store eventId → first record time; retention {@code streamrec.dedupe.retention}. */
    public static final String EVENT_IDS_STORE = "event-ids";
    /** userId → {@link UserHistory}. Queried by {@code GET /users/{userId}/history}. */
    public static final String HISTORY_STORE = "user-history";
    /** userId → latest {@link Recommendations}. Queried by {@code GET /recommendations/{userId}}. */
    public static final String RECOMMENDATIONS_STORE = "user-recommendations";
    // "user-recent-recommendations" (userId → items recommended within the quality window, not changelogged) is
    // gone since issue 11: the online hit rate's memory is on the heap (RecentlyShown). An app upgraded
    // from an older version leaves that store's RocksDB directory in its task directories, unread (TOPOLOGY.md).
    /**
     * (itemId, neighbourId) → score and time, one record per tracked pair (item-partitioned); see
     * {@link CoVisitAggregator}. Named apart from the former {@code item-covisits} (itemId → whole list),
     * whose changelog it does not read.
     */
    public static final String COVISIT_STORE = "item-covisit-pairs";
    // "item-covisits-dirty" (itemId → time of the first unpublished change) is gone since issue 11: the changed
    // items are kept in memory (CoVisitAggregator). An app upgraded from an older version leaves that store's
    // RocksDB directory in its task directories and the <application.id>-item-covisits-dirty-changelog topic
    // on the broker, unread (TOPOLOGY.md).
    /**
     * sequence → {@link PendingScore}: valid events waiting to be ranked in one batch (user-partitioned,
     * changelogged, only with {@link MicroBatching} on).
     */
    public static final String SCORING_BUFFER_STORE = "scoring-buffer";
    /** Window store itemId → count per bucket (item-partitioned). */
    public static final String TRENDING_STORE = "item-trend-counts";
    /** Global: itemId → top-M {@link ItemNeighbours}. */
    public static final String NEIGHBOURS_GLOBAL_STORE = "item-neighbours-global";
    /** Global: {@code partition-<n>} → {@link TrendingItems}. */
    public static final String TRENDING_GLOBAL_STORE = "trending-global";
    /** Global: itemId → {@link Item}. */
    public static final String CATALOG_GLOBAL_STORE = "item-catalog-global";

    private static final Serde<String> STRING = org.apache.kafka.common.serialization.Serdes.String();
    private static final Serde<Long> LONG = org.apache.kafka.common.serialization.Serdes.Long();

    private StreamrecTopology() {
    }

    /**
     * Adds the topology to {@code builder}.
     *
     * @return the recommendations stream (also written to the recommendations topic)
     */
    public static KStream<String, Recommendations> define(StreamsBuilder builder, TopologySettings settings,
                                                          AppTopics topics, Ranker ranker, TopologyMetrics metrics) {
        return define(builder, settings, topics, ranker, metrics, MicroBatching.NONE);
    }

    /**
     * Adds the topology to {@code builder}, ranking in micro-batches when {@code batching} is on.
     *
     * @return the recommendations stream (also written to the recommendations topic)
     */
    public static KStream<String, Recommendations> define(StreamsBuilder builder, TopologySettings settings,
                                                          AppTopics topics, Ranker ranker, TopologyMetrics metrics,
                                                          MicroBatching batching) {
        return define(builder, settings, RecommendRules.DEFAULTS, topics, ranker, metrics, batching);
    }

    /**
     * Adds the topology to {@code builder} with the given business rules ({@code streamrec.recommend.exclude},
     * {@code overfetch}, {@code max-per-category}).
     *
     * @return the recommendations stream (also written to the recommendations topic)
     */
    public static KStream<String, Recommendations> define(StreamsBuilder builder, TopologySettings settings,
                                                          RecommendRules rules, AppTopics topics, Ranker ranker,
                                                          TopologyMetrics metrics, MicroBatching batching) {
        return define(builder, settings, TenantRules.of(rules), topics, ranker, metrics, batching);
    }

    /**
     * Adds the topology to {@code builder} with per-tenant business rules ({@code streamrec.tenants.<tenant>.*},
     * the global {@code streamrec.recommend.*} values where a tenant sets none).
     *
     * @return the recommendations stream (also written to the recommendations topic)
     */
    public static KStream<String, Recommendations> define(StreamsBuilder builder, TopologySettings settings,
                                                          TenantRules rules, AppTopics topics, Ranker ranker,
                                                          TopologyMetrics metrics, MicroBatching batching) {
        addStores(builder, settings);
        if (batching.enabled()) {
            // Cached, so an entry ranked before the next commit never reaches the changelog: see ScoringBuffer.
            builder.addStateStore(ScoringBuffer.storeBuilder());
        }
        // The catalogue and the neighbour lists are read for every event through per-instance caches; their
        // stores are written by processors that invalidate the cache (a global table has no such hook).
        GlobalCaches caches = GlobalCaches.create(settings.caches());
        metrics.cache("neighbour-lists", caches.neighbours());
        metrics.cache("catalog-items", caches.catalog());
        cachedGlobalStore(builder, topics.itemNeighbours(), NEIGHBOURS_GLOBAL_SOURCE, NEIGHBOURS_GLOBAL_STORE,
                caches.neighbours());
        globalTable(builder, topics.trendingItems(), TRENDING_GLOBAL_SOURCE, TRENDING_GLOBAL_STORE);
        cachedGlobalStore(builder, topics.itemCatalog(), CATALOG_GLOBAL_SOURCE, CATALOG_GLOBAL_STORE, caches.catalog());

        Topic<String, UserEvent> userEvents = topics.userEvents();
        KStream<String, ValidEvent> valid = builder
                .stream(userEvents.name(), Consumed.with(userEvents.keySerde(), sizeLimited(userEvents.valueSerde(),
                                settings.limits().maxRecordBytes()))
                        .withName(USER_EVENTS_SOURCE))
                .processValues(() -> new EventValidator(settings, metrics), Named.as(VALIDATE))
                .processValues(() -> new EventDeduplicator(settings.dedupeRetention(), metrics), Named.as(DEDUPE),
                        EVENT_IDS_STORE)
                .processValues(() -> new HistoryUpdater(settings), Named.as(UPDATE_HISTORY), HISTORY_STORE);

        // Item side: the graph and the trending counts are partitioned by item, so every update of
        // one item happens in one task; the user side reads the results through global stores.
        // One record per event and partition (ItemSignals packs, SignalPartitioner places it as the
        // default partitioner places each of its keys).
        SignalPartitioner partitioner = new SignalPartitioner();
        ItemSignals signals = new ItemSignals(settings, partitioner);
        KStream<String, ItemSignal> byItem = valid
                .flatMap((user, event) -> signals.of(event), Named.as(EMIT_ITEM_SIGNALS))
                .repartition(Repartitioned.<String, ItemSignal>as(ITEM_SIGNALS)
                        .withKeySerde(STRING).withValueSerde(Serdes.ITEM_SIGNAL).withStreamPartitioner(partitioner));
        byItem.process(() -> new CoVisitAggregator(settings, caches.ids()), Named.as(AGGREGATE_COVISITS), COVISIT_STORE)
                .to(topics.itemNeighbours().name(), Produced.with(topics.itemNeighbours().keySerde(),
                        topics.itemNeighbours().valueSerde()).withName(NEIGHBOURS_SINK));
        byItem.process(() -> new TrendingCounter(settings), Named.as(COUNT_TRENDING), TRENDING_STORE)
                .to(topics.trendingItems().name(), Produced.with(topics.trendingItems().keySerde(),
                        topics.trendingItems().valueSerde()).withName(TRENDING_SINK));

        KStream<String, RecommendInput> toRecommend = withErasures(builder, topics, valid);
        KStream<String, Recommendations> recommendations = batching.enabled()
                ? toRecommend.process(() -> new Recommender(settings, rules, ranker, metrics, batching, caches), Named.as(RECOMMEND),
                        HISTORY_STORE, RECOMMENDATIONS_STORE, SCORING_BUFFER_STORE)
                : toRecommend.process(() -> new Recommender(settings, rules, ranker, metrics, MicroBatching.NONE, caches),
                        Named.as(RECOMMEND),
                        HISTORY_STORE, RECOMMENDATIONS_STORE);
        // A tenant's lists leave with plain ids and tenantId; the key stays scoped (<tenant>|<userId>), so a
        // consumer keeping the latest list per key never mixes two tenants' users.
        KStream<String, Recommendations> out = recommendations.mapValues((key, r) -> {
            if (r != null) {
                metrics.tenantRecommendation(TenantKeys.tenantOf(key));
            }
            return TenantRecords.unscope(r);
        }, Named.as(UNSCOPE_TENANT));
        out.to(topics.recommendations().name(), Produced.with(topics.recommendations().keySerde(),
                topics.recommendations().valueSerde()).withName(RECOMMENDATIONS_SINK));
        return out;
    }

    /** A complete topology on a fresh builder (tests, tools); {@code config} should have gone through {@link #configure}. */
    public static Topology build(TopologySettings settings, AppTopics topics, Ranker ranker, TopologyMetrics metrics,
                                 Properties config) {
        return build(settings, topics, ranker, metrics, MicroBatching.NONE, config);
    }

    /** As {@link #build(TopologySettings, AppTopics, Ranker, TopologyMetrics, Properties)}, micro-batched. */
    public static Topology build(TopologySettings settings, AppTopics topics, Ranker ranker, TopologyMetrics metrics,
                                 MicroBatching batching, Properties config) {
        return build(settings, RecommendRules.DEFAULTS, topics, ranker, metrics, batching, config);
    }

    /** As {@link #build(TopologySettings, AppTopics, Ranker, TopologyMetrics, MicroBatching, Properties)}, with business rules. */
    public static Topology build(TopologySettings settings, RecommendRules rules, AppTopics topics, Ranker ranker,
                                 TopologyMetrics metrics, MicroBatching batching, Properties config) {
        return build(settings, TenantRules.of(rules), topics, ranker, metrics, batching, config);
    }

    /** As {@link #build(TopologySettings, RecommendRules, AppTopics, Ranker, TopologyMetrics, MicroBatching, Properties)}, per tenant. */
    public static Topology build(TopologySettings settings, TenantRules rules, AppTopics topics, Ranker ranker,
                                 TopologyMetrics metrics, MicroBatching batching, Properties config) {
        StreamsBuilder builder = new StreamsBuilder();
        define(builder, settings, rules, topics, ranker, metrics, batching);
        return builder.build(config);
    }

    /**
     * Adds what the topology relies on to a Streams configuration: the dead-letter exception
     * handlers and topic (KIP-1033/1034), the production exception handler, and the values the
     * handlers read. Settings already present (e.g. from {@code kafka.streams.default.*}) win, except
     * the handler inputs that name this topology's topics and metrics.
     */
    public static Properties configure(Properties props, AppTopics topics, TopologyMetrics metrics) {
        props.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterProcessingHandler.class.getName());
        props.putIfAbsent(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionErrorHandler.class.getName());
        props.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.userEventsDlq().name());
        props.putIfAbsent(DeadLetters.MAX_RECORD_BYTES_CONFIG, String.valueOf(DeadLetters.DEFAULT_MAX_RECORD_BYTES));
        props.putIfAbsent(ProductionErrorHandler.RECORD_TOO_LARGE_POLICY_CONFIG, "continue");
        props.put(DeadLetters.USER_EVENTS_TOPIC_CONFIG, topics.userEvents().name());
        props.put(DeadLetters.OUTPUT_TOPIC_CONFIG, topics.recommendations().name());
        props.put(DeadLetters.METRICS_CONFIG, metrics);
        props.putIfAbsent(PoisonRecords.CONFIG, new PoisonRecords());
        return props;
    }

    /**
     * The user-events value serde whose deserializer refuses a value over {@code maxBytes} before
     * decoding it, so an oversized record goes to the DLQ as {@link RejectReason#RECORD_TOO_LARGE}.
     */
    private static Serde<UserEvent> sizeLimited(Serde<UserEvent> serde, int maxBytes) {
        if (serde instanceof AvroSerde<UserEvent> avro) {
            return org.apache.kafka.common.serialization.Serdes.serdeFrom(avro.serializer(), avro.deserializer(maxBytes));
        }
        return serde;
    }

    /**
     * The valid events merged with the erase requests of the user-deletions topic (keyed by userId and
     * partitioned like user-events, so a request reaches the task that holds the user). A record
     * without a key or value is no request and is skipped.
     */
    @SuppressWarnings("unchecked") // a stream of ValidEvent is a stream of RecommendInput: no copy node needed
    private static KStream<String, RecommendInput> withErasures(StreamsBuilder builder, AppTopics topics,
                                                               KStream<String, ValidEvent> valid) {
        Topic<String, UserDeletion> deletions = topics.userDeletions();
        KStream<String, RecommendInput> erasures = builder
                .stream(deletions.name(), Consumed.with(deletions.keySerde(), deletions.valueSerde())
                        .withName(USER_DELETIONS_SOURCE))
                .flatMapValues((user, d) -> user == null || d == null ? List.<RecommendInput>of()
                        : List.<RecommendInput>of(new EraseUser(user, d.getRequestedAt())), Named.as(ERASE_REQUESTS));
        return ((KStream<String, RecommendInput>) (KStream<String, ?>) valid).merge(erasures, Named.as(MERGE_ERASURES));
    }

    private static void addStores(StreamsBuilder builder, TopologySettings s) {
        Duration dedupe = s.dedupeRetention();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(EVENT_IDS_STORE, dedupe, dedupe, false), STRING, LONG));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HISTORY_STORE), STRING, Serdes.USER_HISTORY).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RECOMMENDATIONS_STORE), STRING, LatestRecommendationsSerde.INSTANCE)
                .withCachingEnabled());
        builder.addStateStore(pairStore(s.covisitStore()));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(TRENDING_STORE, s.trendingWindow().plus(s.trendingBucket()),
                        s.trendingBucket(), false), STRING, LONG).withCachingEnabled());
    }

    /**
     * The co-visit pair store ({@code streamrec.covisit.store}). RocksDB is cached: with a record cache
     * ({@code statestore.cache.max.bytes} above 0; the default 0 gives none) a pair updated several times between
     * commits reaches the changelog and RocksDB once, and a cached pair is not read from RocksDB (without the cache
     * a bench run was slower, when the cache was 2 MiB by default). The heap store is not: its reads cost less than the cache's own sorted
     * map, and pairs seldom repeat within a commit interval (21 changelog records per event with the cache, 24
     * without, when a sorted map was the heap store; BENCHMARKS.md, issue 11, "Pair store on the heap").
     */
    private static StoreBuilder<KeyValueStore<Bytes, byte[]>> pairStore(PairStore kind) {
        var builder = Stores.keyValueStoreBuilder(kind == PairStore.IN_MEMORY
                        ? HeapPairStore.supplier(COVISIT_STORE) : Stores.persistentKeyValueStore(COVISIT_STORE),
                org.apache.kafka.common.serialization.Serdes.Bytes(),
                org.apache.kafka.common.serialization.Serdes.ByteArray());
        return kind == PairStore.IN_MEMORY ? builder : builder.withCachingEnabled();
    }

    /**
     * A global store like {@link #globalTable}'s (timestamped key-value, same name and contents), written by a
     * {@link GlobalCacheWriter} that invalidates {@code cache} after each write; not cached by Kafka Streams
     * (the readers go through {@code cache}).
     */
    private static <V> void cachedGlobalStore(StreamsBuilder builder, Topic<String, V> topic, String sourceName,
                                              String store, GlobalCache<?> cache) {
        builder.addGlobalStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(store),
                        topic.keySerde(), topic.valueSerde()).withLoggingDisabled(),
                topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName(sourceName),
                () -> new GlobalCacheWriter<V>(store, cache));
    }

    private static <V> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String sourceName, String store) {
        builder.globalTable(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName(sourceName),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde()).withValueSerde(topic.valueSerde()));
    }
}
