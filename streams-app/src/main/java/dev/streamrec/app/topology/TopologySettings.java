package dev.streamrec.app.topology;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import dev.streamrec.avro.EventType;

/**
 * Every tunable of the topology, with the defaults documented in {@code application.yml}
 * ({@code streamrec.*}). Immutable; build variants with {@link #toBuilder()}.
 *
 * @param historySize              events kept per user ({@code streamrec.history.max-events})
 * @param maxPurchases             purchased item ids kept per user, never recommended ({@code streamrec.history.max-purchases})
 * @param dedupeRetention          how long an eventId is remembered ({@code streamrec.dedupe.retention})
 * @param maxFutureSkew            how far in the future (wall clock) an event time may be ({@code streamrec.validation.max-future})
 * @param covisitWindow            two events of one user at most this far apart relate their items ({@code streamrec.covisit.window})
 * @param covisitHalfLife          half-life of a co-visit's weight ({@code streamrec.covisit.half-life})
 * @param covisitTopM              neighbours published per item ({@code streamrec.covisit.top-m})
 * @param covisitTracked           neighbours tracked per item, so newcomers can climb into the top M ({@code streamrec.covisit.tracked})
 * @param covisitMaxSources        earlier items of the user related to one event, most recent first ({@code streamrec.covisit.max-sources-per-event})
 * @param typeWeights              weight of each event type ({@code streamrec.covisit.weights.*})
 * @param covisitPublishInterval   how often changed neighbour lists are published, wall clock ({@code streamrec.covisit.publish-interval})
 * @param covisitStore             where a task keeps its co-visit pairs ({@code streamrec.covisit.store})
 * @param trendingWindow           window of the trending counts, stream time ({@code streamrec.trending.window})
 * @param trendingBucket           size of one counting bucket ({@code streamrec.trending.bucket})
 * @param trendingTopN             trending items kept ({@code streamrec.trending.top-n})
 * @param trendingPublishInterval  how often each task publishes its trending list, wall clock ({@code streamrec.trending.publish-interval})
 * @param recommendK               items per recommendation list ({@code streamrec.recommend.k})
 * @param seedItems                most recent distinct items of the user whose neighbours are candidates ({@code streamrec.recommend.seed-items})
 * @param trendingWeight           score of the top trending item relative to the top co-visited one ({@code streamrec.recommend.trending-weight})
 * @param maxCandidates            candidates handed to the ranker at most ({@code streamrec.recommend.max-candidates})
 * @param qualityWindow            window of the online hit rate and coverage ({@code streamrec.quality.window})
 * @param userIdleTtl              a user whose newest event is this much older than the task's stream time is forgotten:
 *                                 history, latest and recent recommendations deleted, tombstones in the changelogs
 *                                 ({@code streamrec.users.idle-ttl})
 * @param userTtlSweepInterval     how often (wall clock) each task checks a slice of its users ({@code streamrec.users.ttl-sweep-interval})
 * @param userTtlSweepLimit        users checked per sweep and task, at most ({@code streamrec.users.ttl-sweep-limit})
 * @param limits                   bounds on one input record ({@code streamrec.validation.limits.*})
 * @param caches                   what the hot path keeps decoded on the heap ({@code streamrec.caches.*})
 */
public record TopologySettings(
        int historySize,
        int maxPurchases,
        Duration dedupeRetention,
        Duration maxFutureSkew,
        Duration covisitWindow,
        Duration covisitHalfLife,
        int covisitTopM,
        int covisitTracked,
        int covisitMaxSources,
        Map<EventType, Double> typeWeights,
        Duration covisitPublishInterval,
        PairStore covisitStore,
        Duration trendingWindow,
        Duration trendingBucket,
        int trendingTopN,
        Duration trendingPublishInterval,
        int recommendK,
        int seedItems,
        double trendingWeight,
        int maxCandidates,
        Duration qualityWindow,
        Duration userIdleTtl,
        Duration userTtlSweepInterval,
        int userTtlSweepLimit,
        InputLimits limits,
        CacheLimits caches) {

    public TopologySettings {
        Objects.requireNonNull(limits, "streamrec.validation.limits");
        Objects.requireNonNull(caches, "streamrec.caches");
        Objects.requireNonNull(covisitStore, "streamrec.covisit.store");
        positive("history.max-events", historySize);
        positive("quality.window", qualityWindow);
        positive("users.idle-ttl", userIdleTtl);
        positive("users.ttl-sweep-interval", userTtlSweepInterval);
        positive("users.ttl-sweep-limit", userTtlSweepLimit);
        positive("history.max-purchases", maxPurchases);
        positive("dedupe.retention", dedupeRetention);
        positive("validation.max-future", maxFutureSkew);
        positive("covisit.window", covisitWindow);
        positive("covisit.half-life", covisitHalfLife);
        positive("covisit.top-m", covisitTopM);
        positive("covisit.max-sources-per-event", covisitMaxSources);
        positive("covisit.publish-interval", covisitPublishInterval);
        positive("trending.window", trendingWindow);
        positive("trending.bucket", trendingBucket);
        positive("trending.top-n", trendingTopN);
        positive("trending.publish-interval", trendingPublishInterval);
        positive("recommend.k", recommendK);
        positive("recommend.seed-items", seedItems);
        positive("recommend.max-candidates", maxCandidates);
        if (covisitTracked < covisitTopM) {
            throw new IllegalArgumentException("streamrec.covisit.tracked (" + covisitTracked
                    + ") must be at least streamrec.covisit.top-m (" + covisitTopM + ")");
        }
        if (trendingBucket.compareTo(trendingWindow) > 0) {
            throw new IllegalArgumentException("streamrec.trending.bucket (" + trendingBucket
                    + ") must not be longer than streamrec.trending.window (" + trendingWindow + ")");
        }
        if (trendingWeight < 0) {
            throw new IllegalArgumentException("streamrec.recommend.trending-weight must be >= 0, was " + trendingWeight);
        }
        EnumMap<EventType, Double> weights = new EnumMap<>(EventType.class);
        for (EventType t : EventType.values()) {
            if (t != EventType.UNKNOWN) {
                Double w = typeWeights.get(t);
                if (w == null || w <= 0) {
                    throw new IllegalArgumentException("streamrec.covisit.weights." + t.name().toLowerCase().replace('_', '-')
                            + " must be > 0, was " + w);
                }
                weights.put(t, w);
            }
        }
        typeWeights = Map.copyOf(weights);
    }

    /** The defaults, the same as in {@code application.yml}. */
    public static TopologySettings defaults() {
        return new TopologySettings(50, 200, Duration.ofHours(24), Duration.ofDays(1),
                Duration.ofMinutes(30), Duration.ofHours(6), 50, 100, 3,
                Map.of(EventType.VIEW, 1.0, EventType.CLICK, 2.0, EventType.ADD_TO_CART, 4.0, EventType.PURCHASE, 8.0),
                Duration.ofSeconds(1), PairStore.IN_MEMORY, Duration.ofHours(1), Duration.ofMinutes(1), 20, Duration.ofSeconds(1),
                10, 10, 0.3, 200, Duration.ofMinutes(30), Duration.ofDays(90), Duration.ofSeconds(10), 1000,
                InputLimits.DEFAULTS, CacheLimits.DEFAULTS);
    }

    /** Weight of an event type for co-visitation (0 for UNKNOWN, which never gets this far). */
    public double weight(EventType type) {
        return typeWeights.getOrDefault(type, 0.0);
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("streamrec." + key + " must be > 0, was " + value);
        }
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, "streamrec." + key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("streamrec." + key + " must be > 0, was " + value);
        }
    }

    /** Mutable builder starting from a settings value. */
    public static final class Builder {
        private int historySize;
        private int maxPurchases;
        private Duration dedupeRetention;
        private Duration maxFutureSkew;
        private Duration covisitWindow;
        private Duration covisitHalfLife;
        private int covisitTopM;
        private int covisitTracked;
        private int covisitMaxSources;
        private Map<EventType, Double> typeWeights;
        private Duration covisitPublishInterval;
        private PairStore covisitStore;
        private Duration trendingWindow;
        private Duration trendingBucket;
        private int trendingTopN;
        private Duration trendingPublishInterval;
        private int recommendK;
        private int seedItems;
        private double trendingWeight;
        private int maxCandidates;
        private Duration qualityWindow;
        private Duration userIdleTtl;
        private Duration userTtlSweepInterval;
        private int userTtlSweepLimit;
        private InputLimits limits;
        private CacheLimits caches;

        private Builder(TopologySettings s) {
            historySize = s.historySize;
            maxPurchases = s.maxPurchases;
            dedupeRetention = s.dedupeRetention;
            maxFutureSkew = s.maxFutureSkew;
            covisitWindow = s.covisitWindow;
            covisitHalfLife = s.covisitHalfLife;
            covisitTopM = s.covisitTopM;
            covisitTracked = s.covisitTracked;
            covisitMaxSources = s.covisitMaxSources;
            typeWeights = new EnumMap<>(s.typeWeights);
            covisitPublishInterval = s.covisitPublishInterval;
            covisitStore = s.covisitStore;
            trendingWindow = s.trendingWindow;
            trendingBucket = s.trendingBucket;
            trendingTopN = s.trendingTopN;
            trendingPublishInterval = s.trendingPublishInterval;
            recommendK = s.recommendK;
            seedItems = s.seedItems;
            trendingWeight = s.trendingWeight;
            maxCandidates = s.maxCandidates;
            qualityWindow = s.qualityWindow;
            userIdleTtl = s.userIdleTtl;
            userTtlSweepInterval = s.userTtlSweepInterval;
            userTtlSweepLimit = s.userTtlSweepLimit;
            limits = s.limits;
            caches = s.caches;
        }

        public Builder historySize(int v) { historySize = v; return this; }
        public Builder maxPurchases(int v) { maxPurchases = v; return this; }
        public Builder dedupeRetention(Duration v) { dedupeRetention = v; return this; }
        public Builder maxFutureSkew(Duration v) { maxFutureSkew = v; return this; }
        public Builder covisitWindow(Duration v) { covisitWindow = v; return this; }
        public Builder covisitHalfLife(Duration v) { covisitHalfLife = v; return this; }
        public Builder covisitTopM(int v) { covisitTopM = v; return this; }
        public Builder covisitTracked(int v) { covisitTracked = v; return this; }
        public Builder covisitMaxSources(int v) { covisitMaxSources = v; return this; }
        public Builder typeWeight(EventType t, double w) { typeWeights.put(t, w); return this; }
        public Builder covisitPublishInterval(Duration v) { covisitPublishInterval = v; return this; }
        public Builder covisitStore(PairStore v) { covisitStore = v; return this; }
        public Builder trendingWindow(Duration v) { trendingWindow = v; return this; }
        public Builder trendingBucket(Duration v) { trendingBucket = v; return this; }
        public Builder trendingTopN(int v) { trendingTopN = v; return this; }
        public Builder trendingPublishInterval(Duration v) { trendingPublishInterval = v; return this; }
        public Builder recommendK(int v) { recommendK = v; return this; }
        public Builder seedItems(int v) { seedItems = v; return this; }
        public Builder trendingWeight(double v) { trendingWeight = v; return this; }
        public Builder maxCandidates(int v) { maxCandidates = v; return this; }
        public Builder qualityWindow(Duration v) { qualityWindow = v; return this; }
        public Builder userIdleTtl(Duration v) { userIdleTtl = v; return this; }
        public Builder userTtlSweepInterval(Duration v) { userTtlSweepInterval = v; return this; }
        public Builder userTtlSweepLimit(int v) { userTtlSweepLimit = v; return this; }
        public Builder limits(InputLimits v) { limits = v; return this; }
        public Builder caches(CacheLimits v) { caches = v; return this; }

        public TopologySettings build() {
            return new TopologySettings(historySize, maxPurchases, dedupeRetention, maxFutureSkew, covisitWindow,
                    covisitHalfLife, covisitTopM, covisitTracked, covisitMaxSources, typeWeights, covisitPublishInterval,
                    covisitStore, trendingWindow, trendingBucket, trendingTopN, trendingPublishInterval, recommendK, seedItems,
                    trendingWeight, maxCandidates, qualityWindow, userIdleTtl, userTtlSweepInterval, userTtlSweepLimit, limits,
                    caches);
        }
    }
}
