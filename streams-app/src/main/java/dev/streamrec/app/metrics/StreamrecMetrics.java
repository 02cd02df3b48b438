package dev.streamrec.app.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.streamrec.app.topology.CacheStats;
import dev.streamrec.app.topology.RejectReason;
import dev.streamrec.app.topology.TopologyMetrics;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.EventType;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.app.experiment.ExperimentMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The topology's counters in Micrometer. Prometheus names (on {@code GET /prometheus}):
 * <ul>
 *   <li>{@code streamrec_events_in_total{type}}: decoded user-events records, valid or not, duplicates
 *       included ({@code type} = VIEW, CLICK, ADD_TO_CART, PURCHASE, UNKNOWN);</li>
 *   <li>{@code streamrec_dlq_records_total{reason}}: records dead-lettered (reason = a {@link RejectReason});</li>
 *   <li>{@code streamrec_duplicates_total}: duplicate deliveries dropped;</li>
 *   <li>{@code streamrec_user_deletions_total}: users erased by user-deletions requests;</li>
 *   <li>{@code streamrec_production_errors_total{topic,error}}: records the app could not write
 *       ({@code topic} = dead-letter, output, internal; {@code error} = RECORD_TOO_LARGE, SERIALIZATION or
 *       the exception's simple name), see {@code ProductionErrorHandler};</li>
 *   <li>{@code streamrec_dlq_truncated_total}: dead-letter records whose value was cut to fit;</li>
 *   <li>{@code streamrec_tenant_events_total{tenant}}, {@code streamrec_tenant_recommendations_total{tenant}}: valid
 *       events and lists per tenant, the label capped by {@link TenantLabels} (the rest {@code other});</li>
 *   <li>{@code streamrec_recommendations_out_total{source}}: Recommendations records produced, by who ranked
 *       them ({@code model}, or {@code heuristic} without a model or when scoring failed);</li>
 *   <li>{@code streamrec_recommendation_candidates} (summary): candidates per ranking;</li>
 *   <li>online quality and end-to-end latency: see {@link QualityMetrics}.</li>
 * </ul>
 * Every label value is registered at start, so each series exists (at 0) before its first event.
 * The CLI reads live totals with {@link #eventsIn()} and {@link #recommendationsOut()}.
 */
@Singleton
public class StreamrecMetrics implements TopologyMetrics {

    public static final String EVENTS_IN = "streamrec.events.in";
    public static final String DLQ_RECORDS = "streamrec.dlq.records";
    public static final String DUPLICATES = "streamrec.duplicates";
    public static final String USER_DELETIONS = "streamrec.user.deletions";
    public static final String RECOMMENDATIONS_OUT = "streamrec.recommendations.out";
    public static final String CANDIDATES = "streamrec.recommendation.candidates";
    public static final String PRODUCTION_ERRORS = "streamrec.production.errors";
    public static final String DLQ_TRUNCATED = "streamrec.dlq.truncated";
    public static final String TENANT_EVENTS = "streamrec.tenant.events";
    public static final String TENANT_RECOMMENDATIONS = "streamrec.tenant.recommendations";
    public static final String CACHE_READS = "streamrec.cache.reads";
    public static final String CACHE_LOADS = "streamrec.cache.loads";
    public static final String CACHE_ENTRIES = "streamrec.cache.entries";
    /** Exported as {@code streamrec_online_memory_dropped_users_total}. */
    public static final String RECENTLY_SHOWN_DROPPED = "streamrec.online.memory.dropped.users";

    private final Map<EventType, Counter> eventsIn = new EnumMap<>(EventType.class);
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final Counter duplicates;
    private final Counter userDeletions;
    private final Counter recentlyShownDropped;
    private final Counter modelOut;
    private final Counter heuristicOut;
    private final DistributionSummary candidates;
    private final MeterRegistry registry;
    private final Counter dlqTruncated;

    private final TenantLabels tenantLabels;
    /** Per label value, at most max-labels + 1 of each. */
    private final Map<String, Counter> tenantEvents = new ConcurrentHashMap<>();
    private final Map<String, Counter> tenantRecommendations = new ConcurrentHashMap<>();

    /** The caches the meters read, held here for as long as the meters are. */
    private final List<CacheStats> caches = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final QualityMetrics quality;
    private final ExperimentMetrics experiments;

    /** Tenant labels capped at 10 (the default of {@code streamrec.tenant-metrics.max-labels}). */
    public StreamrecMetrics(MeterRegistry registry, TopologySettings settings) {
        this(registry, settings, TenantLabels.firstSeen(10));
    }

    @Inject
    public StreamrecMetrics(MeterRegistry registry, TopologySettings settings, TenantLabels tenantLabels) {
        this.registry = registry;
        this.tenantLabels = tenantLabels;
        tenantCounter(tenantEvents, TENANT_EVENTS, TenantKeys.DEFAULT, "Valid user events");
        tenantCounter(tenantRecommendations, TENANT_RECOMMENDATIONS, TenantKeys.DEFAULT, "Recommendations lists");
        quality = new QualityMetrics(registry, settings.qualityWindow());
        experiments = new ExperimentMetrics(registry, settings.qualityWindow(), quality::seenItems);
        for (String role : List.of("dead-letter", "output", "internal")) {
            productionErrorCounter(role, "RECORD_TOO_LARGE");
        }
        dlqTruncated = Counter.builder(DLQ_TRUNCATED)
                .description("Dead-letter records whose value was cut to fit streamrec.dlq.max-record-bytes")
                .register(registry);
        for (EventType t : EventType.values()) {
            eventsIn.put(t, Counter.builder(EVENTS_IN).tag("type", t.name())
                    .description("Decoded user-events records by type, valid or not, duplicates included")
                    .register(registry));
        }
        for (RejectReason r : RejectReason.values()) {
            rejected.put(r, Counter.builder(DLQ_RECORDS).tag("reason", r.name())
                    .description("user-events records sent to the dead-letter topic, by reason")
                    .register(registry));
        }
        duplicates = Counter.builder(DUPLICATES).description("Duplicate event deliveries dropped").register(registry);
        userDeletions = Counter.builder(USER_DELETIONS)
                .description("Users erased by user-deletions requests (state, buffered events, latest list)")
                .register(registry);
        recentlyShownDropped = Counter.builder(RECENTLY_SHOWN_DROPPED)
                .description("Users the online hit rate forgot early (streamrec.caches.recently-shown-users reached)")
                .register(registry);
        modelOut = Counter.builder(RECOMMENDATIONS_OUT).tag("source", SOURCE_MODEL)
                .description("Recommendations records produced, by who ranked them").register(registry);
        heuristicOut = Counter.builder(RECOMMENDATIONS_OUT).tag("source", SOURCE_HEURISTIC)
                .description("Recommendations records produced, by who ranked them").register(registry);
        candidates = DistributionSummary.builder(CANDIDATES).description("Candidates handed to the ranker per event")
                .register(registry);
    }

    @Override
    public void tenantEvent(String tenant) {
        tenantCounter(tenantEvents, TENANT_EVENTS, tenantLabels.label(tenant), "Valid user events").increment();
    }

    @Override
    public void tenantRecommendation(String tenant) {
        tenantCounter(tenantRecommendations, TENANT_RECOMMENDATIONS, tenantLabels.label(tenant), "Recommendations lists")
                .increment();
    }

    /** The counter of one label value, registered on first use (the default tenant's at start, at 0). */
    private Counter tenantCounter(Map<String, Counter> counters, String name, String label, String what) {
        return counters.computeIfAbsent(label, l -> Counter.builder(name).tag("tenant", l)
                .description(what + " per tenant (capped: the rest as 'other')").register(registry));
    }

    @Override
    public void eventIn(EventType type) {
        eventsIn.get(type).increment();
    }

    @Override
    public void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    @Override
    public void productionError(String topicRole, String error) {
        productionErrorCounter(topicRole, error).increment();
    }

    @Override
    public void deadLetterTruncated() {
        dlqTruncated.increment();
    }

    /** Records the app could not write to a topic of this role, all errors, since start. */
    public long productionErrors(String topicRole) {
        return (long) registry.find(PRODUCTION_ERRORS).tag("topic", topicRole).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Dead-letter records cut to fit, since start. */
    public long deadLettersTruncated() {
        return (long) dlqTruncated.count();
    }

    private Counter productionErrorCounter(String topicRole, String error) {
        // Micrometer returns the registered counter for the same name and tags; both labels are bounded.
        return Counter.builder(PRODUCTION_ERRORS).tag("topic", topicRole).tag("error", error)
                .description("Records the app could not write, by topic role and error").register(registry);
    }

    @Override
    public void duplicate() {
        duplicates.increment();
    }

    @Override
    public void recentlyShownDropped(int users) {
        recentlyShownDropped.increment(users);
    }

    @Override
    public void userErased() {
        userDeletions.increment();
    }

    @Override
    public void recommendationsOut(int candidateCount) {
        recommendationsOut(candidateCount, SOURCE_HEURISTIC);
    }

    @Override
    public void recommendationsOut(int candidateCount, String source) {
        (SOURCE_MODEL.equals(source) ? modelOut : heuristicOut).increment();
        candidates.record(candidateCount);
    }

    @Override
    public void emitted(List<String> itemIds, long eventTimeMs) {
        quality.emitted(itemIds, eventTimeMs);
    }

    /**
     * {@code streamrec_cache_reads_total}, {@code streamrec_cache_loads_total} (the misses: a store read and a
     * decode each) and {@code streamrec_cache_entries}, labelled {@code cache}: the measurements to size
     * {@code streamrec.caches.*} by. Read at scrape time, nothing is counted twice.
     */
    @Override
    public void cache(String name, CacheStats stats) {
        caches.add(stats); // the meters keep only a weak reference to what they read
        FunctionCounter.builder(CACHE_READS, stats, CacheStats::reads).tag("cache", name)
                .description("Reads of a heap cache of the hot path (streamrec.caches.*), hits and misses").register(registry);
        FunctionCounter.builder(CACHE_LOADS, stats, CacheStats::loads).tag("cache", name)
                .description("Misses of a heap cache: each read its store and decoded the value").register(registry);
        Gauge.builder(CACHE_ENTRIES, stats, CacheStats::entries).tag("cache", name)
                .description("Entries a heap cache holds (capped by streamrec.caches.*)").register(registry);
    }

    @Override
    public void interaction(boolean hit) {
        quality.interaction(hit);
    }

    @Override
    public void seen(String itemId) {
        quality.seen(itemId);
    }

    @Override
    public void experimentEmitted(String experiment, String variant, List<String> itemIds) {
        experiments.emitted(experiment, variant, itemIds);
    }

    @Override
    public void experimentInteraction(String experiment, String variant, boolean hit) {
        experiments.interaction(experiment, variant, hit);
    }

    /** The per-variant meters (the experiment ranker records its latency there). */
    public ExperimentMetrics experiments() {
        return experiments;
    }

    /** Total decoded events in since start, all types. */
    public long eventsIn() {
        return (long) eventsIn.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Total records dead-lettered since start, all reasons. */
    public long deadLettered() {
        return (long) rejected.values().stream().mapToDouble(Counter::count).sum();
    }

    public long duplicates() {
        return (long) duplicates.count();
    }

    /** Total Recommendations records produced since start. */
    public long recommendationsOut() {
        return (long) (modelOut.count() + heuristicOut.count());
    }

    /** Recommendations records ranked by a model since start. */
    public long recommendationsFromModel() {
        return (long) modelOut.count();
    }

    @Override
    public String toString() {
        return "StreamrecMetrics[eventsIn=" + eventsIn() + ", recommendationsOut=" + recommendationsOut() + "]";
    }
}
