package dev.streamrec.app.scoring;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Scoring and model meters, named as in {@code docs/METRICS.md} (Prometheus names after the arrow):
 * <ul>
 *   <li>{@code streamrec.scoring.latency} → {@code streamrec_scoring_latency_seconds}: one ONNX Runtime call (histogram);</li>
 *   <li>{@code streamrec.scoring.batch.size} → {@code streamrec_scoring_batch_size}: requests per call (histogram);</li>
 *   <li>{@code streamrec.scoring.device.info{device=cpu|cuda}}: 1 for the execution provider in use (only
 *       that series exists: the Prometheus client exports any {@code *_info} gauge as an info metric,
 *       always 1, so a 0-valued series for the other device would read as 1);</li>
 *   <li>{@code streamrec.model.info{model,version}}: 1 for the served version, the old series removed on a swap;</li>
 *   <li>{@code streamrec.model.swaps} → {@code streamrec_model_swaps_total};</li>
 *   <li>{@code streamrec.model.swap.duration} → {@code streamrec_model_swap_duration_seconds}: announcement to serving (histogram);</li>
 *   <li>{@code streamrec.model.load.failures{reason}} → {@code streamrec_model_load_failures_total}: CHECKSUM, CONTRACT, GOLDEN, LOAD,
 *       DOWNLOAD, UNTRUSTED, SIGNATURE;</li>
 *   <li>{@code streamrec.scoring.nonfinite.fallbacks} → {@code streamrec_scoring_nonfinite_fallbacks_total}: lists whose
 *       model scores had a NaN or infinity and were ranked by the heuristic instead;</li>
 *   <li>{@code streamrec.model.unhealthy} → {@code streamrec_model_unhealthy_total}: model versions withdrawn from
 *       serving for non-finite scores.</li>
 * </ul>
 * Everything except the model and device info series is registered at construction, at zero; the
 * device series as soon as the factory has probed the device (at start-up).
 */
public final class ScoringMetrics {

    public static final String LATENCY = "streamrec.scoring.latency";
    public static final String BATCH_SIZE = "streamrec.scoring.batch.size";
    public static final String DEVICE_INFO = "streamrec.scoring.device.info";
    public static final String MODEL_INFO = "streamrec.model.info";
    public static final String SWAPS = "streamrec.model.swaps";
    public static final String SWAP_DURATION = "streamrec.model.swap.duration";
    public static final String LOAD_FAILURES = "streamrec.model.load.failures";
    public static final String NONFINITE_FALLBACKS = "streamrec.scoring.nonfinite.fallbacks";
    public static final String UNHEALTHY = "streamrec.model.unhealthy";

    private final Timer latency;
    private final DistributionSummary batchSize;
    private final MultiGauge deviceInfo;
    private final MultiGauge modelInfo;
    private final Counter swaps;
    private final Timer swapDuration;
    private final Map<Reason, Counter> failures = new EnumMap<>(Reason.class);
    private final Counter nonFiniteFallbacks;
    private final Counter unhealthy;

    public ScoringMetrics(MeterRegistry registry) {
        latency = Timer.builder(LATENCY).description("Duration of one ONNX Runtime call (one batch)")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        batchSize = DistributionSummary.builder(BATCH_SIZE).description("Score requests per ONNX Runtime call")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(4096.0)
                .register(registry);
        deviceInfo = MultiGauge.builder(DEVICE_INFO).description("1 for the ONNX Runtime execution provider in use")
                .register(registry);
        modelInfo = MultiGauge.builder(MODEL_INFO).description("1 for the model version this instance serves")
                .register(registry);
        swaps = Counter.builder(SWAPS).description("Successful hot-swaps to a new model version").register(registry);
        swapDuration = Timer.builder(SWAP_DURATION)
                .description("From the model-updates record to the new session serving")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
        for (Reason r : Reason.values()) {
            failures.put(r, Counter.builder(LOAD_FAILURES).tag("reason", r.name())
                    .description("Model artifacts refused; the previous model keeps serving").register(registry));
        }
        nonFiniteFallbacks = Counter.builder(NONFINITE_FALLBACKS)
                .description("Lists whose model scores were NaN or infinite, ranked by the heuristic instead")
                .register(registry);
        unhealthy = Counter.builder(UNHEALTHY)
                .description("Model versions withdrawn from serving for non-finite scores").register(registry);
    }

    /** One ONNX Runtime call of {@code rows} requests took {@code nanos}. */
    public void call(int rows, long nanos) {
        latency.record(nanos, TimeUnit.NANOSECONDS);
        batchSize.record(rows);
    }

    /** The execution provider now in use ({@code cpu} or {@code cuda}). */
    public void device(String device) {
        deviceInfo.register(List.of(MultiGauge.Row.of(Tags.of("device", device), 1)), true);
    }

    /** The model now serving; {@code null} removes the series. */
    public void serving(String model, String version) {
        modelInfo.register(model == null ? List.of()
                : List.of(MultiGauge.Row.of(Tags.of("model", model, "version", version), 1)), true);
    }

    public void swapped(long nanos) {
        swaps.increment();
        swapDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void loadFailed(Reason reason) {
        failures.get(reason).increment();
    }

    /** {@code lists} lists fell back to the heuristic because of non-finite model scores. */
    public void nonFiniteFallbacks(int lists) {
        nonFiniteFallbacks.increment(lists);
    }

    /** A model version was withdrawn as unhealthy. */
    public void unhealthy() {
        unhealthy.increment();
    }

    public long nonFiniteFallbacks() {
        return (long) nonFiniteFallbacks.count();
    }

    public long unhealthyModels() {
        return (long) unhealthy.count();
    }

    public long swaps() {
        return (long) swaps.count();
    }

    public long loadFailures(Reason reason) {
        return (long) failures.get(reason).count();
    }

    public long calls() {
        return latency.count();
    }
}
