package dev.streamrec.app.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.app.topology.InputLimits;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.EventType;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.topics.Topics;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Turns {@code streamrec.*} configuration into the topology's settings and topics. Every key and
 * its default is documented in {@code application.yml}; a key that is absent keeps the default of
 * {@link TopologySettings#defaults()}.
 */
@Factory
public class StreamrecConfiguration {

    /** Logical topic names, the keys under {@code streamrec.topics}. */
    public static final List<String> SHARED_TOPICS = List.of("user-events", "item-catalog", "recommendations",
            "model-updates", "user-events-dlq");
    public static final String ITEM_NEIGHBOURS = "item-neighbours";
    public static final String TRENDING_ITEMS = "trending-items";

    private final Environment env;

    public StreamrecConfiguration(Environment env) {
        this.env = env;
    }

    @Singleton
    TopologySettings topologySettings() {
        TopologySettings d = TopologySettings.defaults();
        TopologySettings.Builder b = d.toBuilder()
                .historySize(integer("streamrec.history.max-events", d.historySize()))
                .maxPurchases(integer("streamrec.history.max-purchases", d.maxPurchases()))
                .dedupeRetention(duration("streamrec.dedupe.retention", d.dedupeRetention()))
                .maxFutureSkew(duration("streamrec.validation.max-future", d.maxFutureSkew()))
                .covisitWindow(duration("streamrec.covisit.window", d.covisitWindow()))
                .covisitHalfLife(duration("streamrec.covisit.half-life", d.covisitHalfLife()))
                .covisitTopM(integer("streamrec.covisit.top-m", d.covisitTopM()))
                .covisitTracked(integer("streamrec.covisit.tracked", d.covisitTracked()))
                .covisitMaxSources(integer("streamrec.covisit.max-sources-per-event", d.covisitMaxSources()))
                .covisitPublishInterval(duration("streamrec.covisit.publish-interval", d.covisitPublishInterval()))
                .trendingWindow(duration("streamrec.trending.window", d.trendingWindow()))
                .trendingBucket(duration("streamrec.trending.bucket", d.trendingBucket()))
                .trendingTopN(integer("streamrec.trending.top-n", d.trendingTopN()))
                .trendingPublishInterval(duration("streamrec.trending.publish-interval", d.trendingPublishInterval()))
                .recommendK(integer("streamrec.recommend.k", d.recommendK()))
                .seedItems(integer("streamrec.recommend.seed-items", d.seedItems()))
                .trendingWeight(env.getProperty("streamrec.recommend.trending-weight", Double.class)
                        .orElse(d.trendingWeight()))
                .maxCandidates(integer("streamrec.recommend.max-candidates", d.maxCandidates()))
                .qualityWindow(duration("streamrec.quality.window", d.qualityWindow()))
                .userIdleTtl(duration("streamrec.users.idle-ttl", d.userIdleTtl()))
                .userTtlSweepInterval(duration("streamrec.users.ttl-sweep-interval", d.userTtlSweepInterval()))
                .userTtlSweepLimit(integer("streamrec.users.ttl-sweep-limit", d.userTtlSweepLimit()))
                .limits(inputLimits(d.limits()));
        for (EventType t : EventType.values()) {
            if (t != EventType.UNKNOWN) {
                String key = "streamrec.covisit.weights." + t.name().toLowerCase().replace('_', '-');
                b.typeWeight(t, env.getProperty(key, Double.class).orElse(d.weight(t)));
            }
        }
        return b.build();
    }

    private InputLimits inputLimits(InputLimits d) {
        String p = "streamrec.validation.limits.";
        return new InputLimits(integer(p + "max-record-bytes", d.maxRecordBytes()),
                integer(p + "max-id-chars", d.maxIdChars()),
                integer(p + "max-context-entries", d.maxContextEntries()),
                integer(p + "max-context-key-chars", d.maxContextKeyChars()),
                integer(p + "max-context-value-chars", d.maxContextValueChars()));
    }

    @Singleton
    AppTopics appTopics() {
        Map<String, String> names = new HashMap<>();
        for (String logical : SHARED_TOPICS) {
            env.getProperty("streamrec.topics." + logical + ".name", String.class).ifPresent(n -> names.put(logical, n));
        }
        String appId = applicationId();
        return AppTopics.of(Topics.named(names),
                name(ITEM_NEIGHBOURS, appId + "-" + ITEM_NEIGHBOURS),
                name(TRENDING_ITEMS, appId + "-" + TRENDING_ITEMS));
    }

    /** How each topic is created when missing (see {@code streamrec.topics.*}). */
    @Singleton
    TopicPlan topicPlan(AppTopics topics) {
        int partitions = integer("streamrec.topics.default-partitions", 4);
        short replication = (short) integer("streamrec.topics.default-replication-factor", 1);
        boolean create = env.getProperty("streamrec.topics.create-on-start", Boolean.class).orElse(true);
        List<TopicSettings> list = new ArrayList<>();
        list.add(settings("user-events", topics.userEvents().name(), partitions, replication, false));
        list.add(settings("item-catalog", topics.itemCatalog().name(), partitions, replication, true));
        list.add(settings("recommendations", topics.recommendations().name(), partitions, replication, false));
        list.add(settings("model-updates", topics.shared().modelUpdates().name(), 1, replication, true));
        list.add(settings("user-events-dlq", topics.userEventsDlq().name(), partitions, replication, false));
        list.add(settings(ITEM_NEIGHBOURS, topics.itemNeighbours().name(), partitions, replication, true));
        list.add(settings(TRENDING_ITEMS, topics.trendingItems().name(), 1, replication, true));
        // A/B experiment definitions (dev.streamrec.app.experiment): few records, read whole by every instance.
        list.add(settings("experiments", name("experiments", "experiments"), 1, replication, true));
        return new TopicPlan(create, List.copyOf(list));
    }

    /** The Kafka Streams application id ({@code kafka.streams.default.application.id}, else the app name). */
    public String applicationId() {
        return env.getProperty("kafka.streams.default.application.id", String.class)
                .or(() -> env.getProperty("micronaut.application.name", String.class))
                .orElse("streamrec");
    }

    private TopicSettings settings(String logical, String name, int partitions, short replication, boolean compacted) {
        String prefix = "streamrec.topics." + logical + ".";
        int p = logical.equals("model-updates") ? 1 : integer(prefix + "partitions", partitions);
        short r = (short) integer(prefix + "replication-factor", replication);
        return new TopicSettings(name, p, r, compacted);
    }

    private String name(String logical, String fallback) {
        return env.getProperty("streamrec.topics." + logical + ".name", String.class).orElse(fallback);
    }

    private int integer(String key, int fallback) {
        return env.getProperty(key, Integer.class).orElse(fallback);
    }

    private Duration duration(String key, Duration fallback) {
        return env.getProperty(key, Duration.class).orElse(fallback);
    }
}
