package dev.streamrec.app.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.app.topology.CacheLimits;
import dev.streamrec.app.topology.InputLimits;
import dev.streamrec.app.topology.PairStore;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.EventType;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.topics.Topics;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Turns the bound {@code streamrec.*} sections ({@link StreamrecProperties}) into the topology's
 * settings and topics. Defaults live only in {@code application.yml}.
 */
@Factory
public class StreamrecConfiguration {

    /** Logical topic names, the keys under {@code streamrec.topics}. */
    public static final List<String> SHARED_TOPICS = List.of("user-events", "item-catalog", "recommendations",
            "model-updates", "user-events-dlq", "user-deletions");
    public static final String ITEM_NEIGHBOURS = "item-neighbours";
    public static final String TRENDING_ITEMS = "trending-items";

    private final Environment env;

    public StreamrecConfiguration(Environment env) {
        this.env = env;
    }

    @Singleton
    TopologySettings topologySettings(StreamrecProperties.History history, StreamrecProperties.Users users,
                                      StreamrecProperties.Dedupe dedupe, StreamrecProperties.Validation validation,
                                      StreamrecProperties.Limits limits, StreamrecProperties.Covisit covisit,
                                      StreamrecProperties.CovisitWeights weights, StreamrecProperties.Trending trending,
                                      StreamrecProperties.Recommend recommend, StreamrecProperties.Quality quality,
                                      StreamrecProperties.Caches caches) {
        return topology(history, users, dedupe, validation, limits, covisit, weights, trending, recommend, quality,
                caches);
    }

    /** The settings of the bound sections (also used by tests that bind {@code application.yml} alone). */
    public static TopologySettings topology(StreamrecProperties.History history, StreamrecProperties.Users users,
                                                    StreamrecProperties.Dedupe dedupe,
                                                    StreamrecProperties.Validation validation,
                                                    StreamrecProperties.Limits limits,
                                                    StreamrecProperties.Covisit covisit,
                                                    StreamrecProperties.CovisitWeights weights,
                                                    StreamrecProperties.Trending trending,
                                                    StreamrecProperties.Recommend recommend,
                                                    StreamrecProperties.Quality quality,
                                                    StreamrecProperties.Caches caches) {
        return new TopologySettings(history.maxEvents(), history.maxPurchases(), dedupe.retention(),
                validation.maxFuture(), covisit.window(), covisit.halfLife(), covisit.topM(), covisit.tracked(),
                covisit.maxSourcesPerEvent(),
                Map.of(EventType.VIEW, weights.view(), EventType.CLICK, weights.click(),
                        EventType.ADD_TO_CART, weights.addToCart(), EventType.PURCHASE, weights.purchase()),
                covisit.publishInterval(), PairStore.parse(covisit.store()), trending.window(), trending.bucket(),
                trending.topN(), trending.publishInterval(), recommend.k(), recommend.seedItems(),
                recommend.trendingWeight(), recommend.maxCandidates(), quality.window(), users.idleTtl(),
                users.ttlSweepInterval(), users.ttlSweepLimit(),
                new InputLimits(limits.maxRecordBytes(), limits.maxIdChars(), limits.maxContextEntries(),
                        limits.maxContextKeyChars(), limits.maxContextValueChars()),
                new CacheLimits(caches.neighbourLists(), caches.catalogItems(), caches.covisitTops(),
                        caches.recentlyShownUsers()));
    }

    @Singleton
    AppTopics appTopics(List<StreamrecProperties.Topic> entries) {
        Map<String, String> names = new HashMap<>();
        Map<String, StreamrecProperties.Topic> byName = topics(entries);
        for (String logical : SHARED_TOPICS) {
            String name = name(byName, logical);
            if (name != null) {
                names.put(logical, name);
            }
        }
        String appId = applicationId();
        String neighbours = name(byName, ITEM_NEIGHBOURS);
        String trending = name(byName, TRENDING_ITEMS);
        return AppTopics.of(Topics.named(names),
                neighbours != null ? neighbours : appId + "-" + ITEM_NEIGHBOURS,
                trending != null ? trending : appId + "-" + TRENDING_ITEMS);
    }

    /** How each topic is created when missing (see {@code streamrec.topics.*}). */
    @Singleton
    TopicPlan topicPlan(AppTopics topics, StreamrecProperties.Topics shared, List<StreamrecProperties.Topic> entries) {
        Map<String, StreamrecProperties.Topic> byName = topics(entries);
        List<TopicSettings> list = new ArrayList<>();
        TopicSettings userEvents = settings(byName, shared, "user-events", topics.userEvents().name(), false);
        list.add(userEvents);
        list.add(settings(byName, shared, "item-catalog", topics.itemCatalog().name(), true));
        list.add(settings(byName, shared, "recommendations", topics.recommendations().name(), false));
        list.add(settings(byName, shared, "model-updates", topics.shared().modelUpdates().name(), true));
        list.add(settings(byName, shared, "user-events-dlq", topics.userEventsDlq().name(), false));
        // Co-partitioned with user-events (the recommend task reads both): always the same partition count.
        TopicSettings deletions = settings(byName, shared, "user-deletions", topics.userDeletions().name(), true);
        list.add(new TopicSettings(deletions.name(), userEvents.partitions(), deletions.replicationFactor(), true,
                deletions.configs()));
        list.add(settings(byName, shared, ITEM_NEIGHBOURS, topics.itemNeighbours().name(), true));
        list.add(settings(byName, shared, TRENDING_ITEMS, topics.trendingItems().name(), true));
        // A/B experiment definitions (dev.streamrec.app.experiment): few records, read whole by every instance.
        String experiments = name(byName, "experiments");
        list.add(settings(byName, shared, "experiments", experiments != null ? experiments : "experiments", true));
        return new TopicPlan(shared.createOnStart(), List.copyOf(list));
    }

    /** The Kafka Streams application id ({@code kafka.streams.default.application.id}, else the app name). */
    public String applicationId() {
        return env.getProperty("kafka.streams.default.application.id", String.class)
                .or(() -> env.getProperty("micronaut.application.name", String.class))
                .orElse("streamrec");
    }

    private static Map<String, StreamrecProperties.Topic> topics(List<StreamrecProperties.Topic> entries) {
        Map<String, StreamrecProperties.Topic> byName = new HashMap<>();
        entries.forEach(t -> byName.put(t.logical(), t));
        return byName;
    }

    private static String name(Map<String, StreamrecProperties.Topic> byName, String logical) {
        StreamrecProperties.Topic t = byName.get(logical);
        return t == null || t.name() == null || t.name().isBlank() ? null : t.name();
    }

    private static TopicSettings settings(Map<String, StreamrecProperties.Topic> byName,
                                          StreamrecProperties.Topics shared, String logical, String name,
                                          boolean compacted) {
        StreamrecProperties.Topic t = byName.get(logical);
        // model-updates and experiments keep one partition whatever the configuration says: one ordered stream of announcements
        int partitions = logical.equals("model-updates") || logical.equals("experiments") ? 1
                : t != null && t.partitions() != null ? t.partitions() : shared.defaultPartitions();
        short replication = t != null && t.replicationFactor() != null ? t.replicationFactor()
                : shared.defaultReplicationFactor();
        // Bounded disk: compaction never cleans a log's active segment, and the broker's default segment
        // (1 GiB) would keep every version of every key until it fills. Rolled by size, not time: record
        // times are event times, and a replay of old events would roll a segment per segment.ms of them.
        Map<String, String> configs = new HashMap<>();
        Long segmentBytes = t != null && t.segmentBytes() != null ? t.segmentBytes()
                : compacted ? shared.compactedSegmentBytes() : null;
        if (segmentBytes != null) {
            configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, Long.toString(segmentBytes));
        }
        if (!compacted && t != null && t.retention() != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(t.retention().toMillis()));
        }
        return new TopicSettings(name, partitions, replication, compacted, configs);
    }
}
