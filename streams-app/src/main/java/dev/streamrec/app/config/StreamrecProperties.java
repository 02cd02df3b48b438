package dev.streamrec.app.config;

import java.time.Duration;
import java.util.List;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import io.micronaut.core.annotation.Nullable;

/**
 * The {@code streamrec.*} keys of {@code application.yml}, bound by Micronaut: one record per
 * section, one component per key (kebab-case key = camelCase component). {@code application.yml}
 * is the one source of defaults, so no component repeats one; a key missing from the
 * configuration binds as {@code null}/0 and the settings built from these records
 * ({@link dev.streamrec.app.topology.TopologySettings}, {@code ScoringSettings}, {@code ModelSettings},
 * {@link TopicPlan}) refuse it with the key's name. {@code StreamrecPropertiesTest} checks that
 * the records bound from the file alone equal the {@code defaults()} of those settings.
 *
 * <p>To add a key: put it, with its default and a comment, in {@code application.yml} (and the
 * table of TOPOLOGY.md), add a component to the section's record here, and read it where its
 * settings are built.
 */
public final class StreamrecProperties {

    private StreamrecProperties() {
    }

    /** {@code streamrec.topics.*} other than the per-topic entries ({@link Topic}). */
    @ConfigurationProperties("streamrec.topics")
    public record Topics(boolean createOnStart, int defaultPartitions, short defaultReplicationFactor,
                         @Nullable Long compactedSegmentBytes) {
    }

    /**
     * {@code streamrec.topics.<logical>.*}: one bean per topic entry; an unset name or count takes
     * the shared default. Scalar keys of {@code streamrec.topics} ({@code create-on-start} ...) bind
     * as entries without any value and are ignored by {@link TopicPlan}'s factory.
     */
    @EachProperty("streamrec.topics")
    public record Topic(@Parameter String logical, @Nullable String name, @Nullable Integer partitions,
                        @Nullable Short replicationFactor, @Nullable Duration retention, @Nullable Long segmentBytes) {
    }

    /** {@code streamrec.history.*} */
    @ConfigurationProperties("streamrec.history")
    public record History(int maxEvents, int maxPurchases) {
    }

    /** {@code streamrec.users.*} */
    @ConfigurationProperties("streamrec.users")
    public record Users(Duration idleTtl, Duration ttlSweepInterval, int ttlSweepLimit) {
    }

    /** {@code streamrec.dedupe.*} */
    @ConfigurationProperties("streamrec.dedupe")
    public record Dedupe(Duration retention) {
    }

    /** {@code streamrec.validation.*} without the limits ({@link Limits}). */
    @ConfigurationProperties("streamrec.validation")
    public record Validation(Duration maxFuture) {
    }

    /** {@code streamrec.validation.limits.*} */
    @ConfigurationProperties("streamrec.validation.limits")
    public record Limits(int maxRecordBytes, int maxIdChars, int maxContextEntries, int maxContextKeyChars,
                         int maxContextValueChars) {
    }

    /** {@code streamrec.dlq.*} */
    @ConfigurationProperties("streamrec.dlq")
    public record Dlq(int maxRecordBytes) {
    }

    /** {@code streamrec.errors.*} */
    @ConfigurationProperties("streamrec.errors")
    public record Errors(String recordTooLarge) {
    }

    /** {@code streamrec.covisit.*} without the weights ({@link CovisitWeights}). */
    @ConfigurationProperties("streamrec.covisit")
    public record Covisit(Duration window, Duration halfLife, int topM, int tracked, int maxSourcesPerEvent,
                          Duration publishInterval, String store) {
    }

    /** {@code streamrec.covisit.weights.*}: one per event type. */
    @ConfigurationProperties("streamrec.covisit.weights")
    public record CovisitWeights(double view, double click, double addToCart, double purchase) {
    }

    /** {@code streamrec.caches.*} */
    @ConfigurationProperties("streamrec.caches")
    public record Caches(int neighbourLists, int catalogItems, int covisitTops, int recentlyShownUsers) {
    }

    /** {@code streamrec.trending.*} */
    @ConfigurationProperties("streamrec.trending")
    public record Trending(Duration window, Duration bucket, int topN, Duration publishInterval) {
    }

    /** {@code streamrec.recommend.*} */
    @ConfigurationProperties("streamrec.recommend")
    public record Recommend(int k, int seedItems, double trendingWeight, int maxCandidates, String exclude,
                            int overfetch, int maxPerCategory, boolean excludeOutOfStock) {
    }

    /**
     * {@code streamrec.tenants.<tenant>.*}: one bean per configured tenant. An unset rule takes the global
     * {@code streamrec.recommend.*} value; an unset model means the tenant is ranked by the heuristic.
     */
    @EachProperty("streamrec.tenants")
    public record Tenant(@Parameter String tenant, @Nullable String model, @Nullable String exclude,
                         @Nullable Boolean excludeOutOfStock, @Nullable Integer overfetch,
                         @Nullable Integer maxPerCategory) {
    }

    /** {@code streamrec.tenant-metrics.*} */
    @ConfigurationProperties("streamrec.tenant-metrics")
    public record TenantMetrics(int maxLabels, @Nullable List<String> labelled) {
    }

    /** {@code streamrec.quality.*} */
    @ConfigurationProperties("streamrec.quality")
    public record Quality(Duration window) {
    }

    /** {@code streamrec.scoring.*} */
    @ConfigurationProperties("streamrec.scoring")
    public record Scoring(String device, int cudaDeviceId, long gpuMemoryLimitBytes, String mode, int intraOpThreads,
                          int batchSize, Duration maxWait, int warmupRuns, boolean verifyGolden) {
    }

    /** {@code streamrec.models.*} */
    @ConfigurationProperties("streamrec.models")
    public record Models(boolean follow, @Nullable String name, List<String> artifactRoots, List<String> allowedSchemes,
                         @Nullable List<String> allowedHosts, String artifactCacheDir, long maxArtifactBytes,
                         Duration downloadTimeout, @Nullable String signingPublicKey, @Nullable String stateFile,
                         int nonfiniteThreshold, Duration adminTimeout) {
    }
}
