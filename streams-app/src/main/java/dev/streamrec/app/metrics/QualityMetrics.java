package dev.streamrec.app.metrics;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Online quality and freshness signals, computed as events flow:
 * <ul>
 *   <li>{@code streamrec_online_interactions_total} / {@code streamrec_online_hits_total}: clicks and
 *       purchases, and those on an item recommended to that user within the quality window;</li>
 *   <li>{@code streamrec_online_hit_rate}: hits / interactions over the last {@code window};</li>
 *   <li>{@code streamrec_recommendation_coverage_ratio}: distinct items recommended over the last
 *       {@code window} / distinct items seen in events over it;</li>
 *   <li>{@code streamrec_end_to_end_latency_seconds}: event time to recommendation emitted.</li>
 * </ul>
 * The rolling figures are kept in one-minute buckets; all methods are thread-safe (stream threads
 * write, the Prometheus scrape reads).
 */
public final class QualityMetrics {

    public static final String INTERACTIONS = "streamrec.online.interactions";
    public static final String HITS = "streamrec.online.hits";
    public static final String HIT_RATE = "streamrec.online.hit.rate";
    public static final String COVERAGE = "streamrec.recommendation.coverage.ratio";
    public static final String END_TO_END = "streamrec.end.to.end.latency";

    private static final long BUCKET_MS = 60_000;

    private final Counter interactions;
    private final Counter hits;
    private final Timer endToEnd;
    private final LongSupplier clock;
    private final int buckets;
    private final long[] bucketStart;
    private final long[] bucketHits;
    private final long[] bucketInteractions;
    private final Set<String>[] bucketRecommended;
    private final Set<String>[] bucketSeen;
    private long currentStart = Long.MIN_VALUE;
    private int currentBucket;

    public QualityMetrics(MeterRegistry registry, Duration window) {
        this(registry, window, System::currentTimeMillis);
    }

    @SuppressWarnings("unchecked")
    QualityMetrics(MeterRegistry registry, Duration window, LongSupplier clock) {
        this.clock = clock;
        this.buckets = (int) Math.max(1, window.toMillis() / BUCKET_MS);
        this.bucketStart = new long[buckets];
        this.bucketHits = new long[buckets];
        this.bucketInteractions = new long[buckets];
        this.bucketRecommended = new Set[buckets];
        this.bucketSeen = new Set[buckets];
        for (int i = 0; i < buckets; i++) {
            bucketRecommended[i] = new HashSet<>();
            bucketSeen[i] = new HashSet<>();
        }
        interactions = Counter.builder(INTERACTIONS)
                .description("Clicks and purchases, the denominator of the online hit rate").register(registry);
        hits = Counter.builder(HITS)
                .description("Clicks and purchases on an item recommended to the same user within the quality window")
                .register(registry);
        Gauge.builder(HIT_RATE, this, QualityMetrics::hitRate)
                .description("Share of clicks and purchases on recently recommended items, over the quality window")
                .register(registry);
        Gauge.builder(COVERAGE, this, QualityMetrics::coverage)
                .description("Distinct items recommended / distinct items seen in events, over the quality window")
                .register(registry);
        endToEnd = Timer.builder(END_TO_END)
                .description("Event time to recommendation emitted")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    /** A click or purchase; {@code hit} when its item had been recommended to the user within the window. */
    public synchronized void interaction(boolean hit) {
        interactions.increment();
        int b = bucket();
        bucketInteractions[b]++;
        if (hit) {
            hits.increment();
            bucketHits[b]++;
        }
    }

    /** An item some event was about (the coverage denominator). */
    public synchronized void seen(String itemId) {
        bucketSeen[bucket()].add(itemId);
    }

    /** A list that was emitted, and how long after its triggering event's time. */
    public void emitted(List<String> items, long eventTimeMs) {
        long lag = clock.getAsLong() - eventTimeMs;
        endToEnd.record(Math.max(0, lag), TimeUnit.MILLISECONDS);
        synchronized (this) {
            bucketRecommended[bucket()].addAll(items);
        }
    }

    synchronized double hitRate() {
        bucket();
        long h = 0;
        long n = 0;
        for (int i = 0; i < buckets; i++) {
            h += bucketHits[i];
            n += bucketInteractions[i];
        }
        return n == 0 ? 0.0 : (double) h / n;
    }

    synchronized double coverage() {
        int seen = seenItems(); // first: it drops the buckets that left the window
        Set<String> recommended = new HashSet<>();
        for (int i = 0; i < buckets; i++) {
            recommended.addAll(bucketRecommended[i]);
        }
        return seen == 0 ? 0.0 : Math.min(1.0, (double) recommended.size() / seen);
    }

    /** Distinct items seen in events over the window: the coverage denominator, also the experiments'. */
    public synchronized int seenItems() {
        bucket();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < buckets; i++) {
            seen.addAll(bucketSeen[i]);
        }
        return seen.size();
    }

    /**
     * Index of the current bucket, clearing buckets that fell out of the window. Which buckets those are only
     * changes with the minute, so within one the index is returned at once (this runs twice per event).
     */
    private int bucket() {
        long now = clock.getAsLong();
        long start = now - now % BUCKET_MS;
        if (start == currentStart) {
            return currentBucket;
        }
        int b = (int) ((start / BUCKET_MS) % buckets);
        if (bucketStart[b] != start) {
            bucketStart[b] = start;
            bucketHits[b] = 0;
            bucketInteractions[b] = 0;
            bucketRecommended[b].clear();
            bucketSeen[b].clear();
        }
        // buckets older than the window still hold old counts until reused; drop them from the sums
        for (int i = 0; i < buckets; i++) {
            if (now - bucketStart[i] >= (long) buckets * BUCKET_MS) {
                bucketStart[i] = -1;
                bucketHits[i] = 0;
                bucketInteractions[i] = 0;
                bucketRecommended[i].clear();
                bucketSeen[i].clear();
            }
        }
        currentStart = start;
        currentBucket = b;
        return b;
    }
}
