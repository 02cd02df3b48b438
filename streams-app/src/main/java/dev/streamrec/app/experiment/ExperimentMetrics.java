package dev.streamrec.app.experiment;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Per-variant online figures, every series labelled {@code experiment} and {@code variant}:
 * <ul>
 *   <li>{@code streamrec_experiment_recommendations_total}: lists emitted;</li>
 *   <li>{@code streamrec_experiment_interactions_total} / {@code streamrec_experiment_hits_total}:
 *       clicks and purchases of the variant's users, and those on an item recommended to that user
 *       within the quality window (hit rate@k, k the variant's list length);</li>
 *   <li>{@code streamrec_experiment_hit_rate}: hits / interactions over the quality window;</li>
 *   <li>{@code streamrec_experiment_coverage_ratio}: distinct items the variant recommended over the
 *       window / distinct items seen in events over it;</li>
 *   <li>{@code streamrec_experiment_ranking_latency_seconds}: one ranker call of the variant (a list,
 *       or a micro-batch of them).</li>
 * </ul>
 * Series appear when a variant first serves; experiment and variant names are bounded by
 * {@link ExperimentRules}. The rolling figures use one-minute buckets, as the overall quality
 * gauges do. Thread-safe.
 */
public final class ExperimentMetrics {

    public static final String RECOMMENDATIONS = "streamrec.experiment.recommendations";
    public static final String INTERACTIONS = "streamrec.experiment.interactions";
    public static final String HITS = "streamrec.experiment.hits";
    public static final String HIT_RATE = "streamrec.experiment.hit.rate";
    public static final String COVERAGE = "streamrec.experiment.coverage.ratio";
    public static final String LATENCY = "streamrec.experiment.ranking.latency";

    private static final long BUCKET_MS = 60_000;

    private final MeterRegistry registry;
    private final LongSupplier clock;
    private final int buckets;
    private final Map<String, Variant> variants = new ConcurrentHashMap<>();
    private final IntSupplier seenItems;

    /**
     * @param seenItems distinct items seen in events over the window (the coverage denominator, shared with the
     *                  overall coverage gauge: {@link dev.streamrec.app.metrics.QualityMetrics#seenItems})
     */
    public ExperimentMetrics(MeterRegistry registry, Duration window, IntSupplier seenItems) {
        this(registry, window, seenItems, System::currentTimeMillis);
    }

    ExperimentMetrics(MeterRegistry registry, Duration window, IntSupplier seenItems, LongSupplier clock) {
        this.registry = registry;
        this.clock = clock;
        this.seenItems = seenItems;
        this.buckets = (int) Math.max(1, window.toMillis() / BUCKET_MS);
    }

    /** A list ranked by the variant was emitted. */
    public void emitted(String experiment, String variant, List<String> items) {
        Variant v = variant(experiment, variant);
        v.recommendations.increment();
        synchronized (v) {
            v.recommended[v.bucket(clock.getAsLong())].addAll(items);
        }
    }

    /** A click or purchase of a user in the variant. */
    public void interaction(String experiment, String variant, boolean hit) {
        Variant v = variant(experiment, variant);
        v.interactions.increment();
        if (hit) {
            v.hits.increment();
        }
        synchronized (v) {
            int b = v.bucket(clock.getAsLong());
            v.bucketInteractions[b]++;
            if (hit) {
                v.bucketHits[b]++;
            }
        }
    }

    /** One ranker call of the variant took {@code nanos}. */
    public void ranked(String experiment, String variant, long nanos) {
        variant(experiment, variant).latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    private Variant variant(String experiment, String variant) {
        return variants.computeIfAbsent(experiment + "\u0000" + variant, k -> new Variant(experiment, variant));
    }

    /** The meters and rolling buckets of one variant. */
    private final class Variant {
        final Counter recommendations;
        final Counter interactions;
        final Counter hits;
        final Timer latency;
        final long[] start = new long[buckets];
        final long[] bucketHits = new long[buckets];
        final long[] bucketInteractions = new long[buckets];
        @SuppressWarnings("unchecked")
        final Set<String>[] recommended = new Set[buckets];

        Variant(String experiment, String variant) {
            for (int i = 0; i < buckets; i++) {
                recommended[i] = new HashSet<>();
            }
            recommendations = Counter.builder(RECOMMENDATIONS).tag("experiment", experiment).tag("variant", variant)
                    .description("Recommendation lists ranked by an experiment variant").register(registry);
            interactions = Counter.builder(INTERACTIONS).tag("experiment", experiment).tag("variant", variant)
                    .description("Clicks and purchases of the users in an experiment variant").register(registry);
            hits = Counter.builder(HITS).tag("experiment", experiment).tag("variant", variant)
                    .description("Clicks and purchases of a variant's users on an item recommended to them within the quality window")
                    .register(registry);
            latency = Timer.builder(LATENCY).tag("experiment", experiment).tag("variant", variant)
                    .description("One ranker call of an experiment variant (a list or a micro-batch)")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry);
            Gauge.builder(HIT_RATE, this, Variant::hitRate).tag("experiment", experiment).tag("variant", variant)
                    .description("Share of a variant's clicks and purchases on recently recommended items, over the quality window")
                    .register(registry);
            Gauge.builder(COVERAGE, this, Variant::coverage).tag("experiment", experiment).tag("variant", variant)
                    .description("Distinct items a variant recommended / distinct items seen in events, over the quality window")
                    .register(registry);
        }

        /** Index of the current bucket, clearing it when it starts a new minute (caller holds the lock). */
        int bucket(long now) {
            long s = now - now % BUCKET_MS;
            int b = (int) ((s / BUCKET_MS) % buckets);
            if (start[b] != s) {
                start[b] = s;
                bucketHits[b] = 0;
                bucketInteractions[b] = 0;
                recommended[b].clear();
            }
            return b;
        }

        private boolean live(int i, long now) {
            return now - start[i] < (long) buckets * BUCKET_MS;
        }

        synchronized double hitRate() {
            long now = clock.getAsLong();
            long h = 0;
            long n = 0;
            for (int i = 0; i < buckets; i++) {
                if (live(i, now)) {
                    h += bucketHits[i];
                    n += bucketInteractions[i];
                }
            }
            return n == 0 ? 0.0 : (double) h / n;
        }

        double coverage() {
            int seen = seenItems.getAsInt();
            Set<String> items = new HashSet<>();
            synchronized (this) {
                long now = clock.getAsLong();
                for (int i = 0; i < buckets; i++) {
                    if (live(i, now)) {
                        items.addAll(recommended[i]);
                    }
                }
            }
            return seen == 0 ? 0.0 : Math.min(1.0, (double) items.size() / seen);
        }
    }
}
