package dev.streamrec.app.scoring;

import java.time.Duration;

import dev.streamrec.app.topology.Ranker;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.onnx.SessionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/**
 * Micronaut wiring of the scorer: {@code streamrec.scoring.*} into {@link ScoringSettings}, the one
 * {@link SessionFactory} every model of this process is opened with (it owns the device choice), the
 * meters (registered at start-up, with the device gauge set by a probe of the CUDA provider), the
 * {@link BatchScorer}, and {@link ModelRanker} as the primary {@link Ranker} (it ranks with the
 * heuristic until a model is loaded).
 */
@Factory
public class ScoringFactory {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScoringFactory.class);

    @Singleton
    ScoringSettings scoringSettings(Environment env) {
        ScoringSettings d = ScoringSettings.defaults();
        return new ScoringSettings(
                OnnxDevice.parse(env.getProperty("streamrec.scoring.device", String.class).orElse("auto")),
                env.getProperty("streamrec.scoring.cuda-device-id", Integer.class).orElse(d.cudaDeviceId()),
                env.getProperty("streamrec.scoring.gpu-memory-limit-bytes", Long.class).orElse(d.gpuMemoryLimitBytes()),
                ScoringMode.parse(env.getProperty("streamrec.scoring.mode", String.class).orElse("candidates")),
                env.getProperty("streamrec.scoring.intra-op-threads", Integer.class).orElse(d.intraOpThreads()),
                env.getProperty("streamrec.scoring.batch-size", Integer.class).orElse(d.batchSize()),
                env.getProperty("streamrec.scoring.max-wait", Duration.class).orElse(d.maxWait()),
                env.getProperty("streamrec.scoring.warmup-runs", Integer.class).orElse(d.warmupRuns()),
                env.getProperty("streamrec.scoring.verify-golden", Boolean.class).orElse(d.verifyGolden()));
    }

    @Singleton
    SessionFactory sessionFactory(ScoringSettings settings) {
        return new SessionFactory(settings.session());
    }

    @Singleton
    ScoringMetrics scoringMetrics(MeterRegistry registry, ScoringSettings settings, SessionFactory sessions) {
        ScoringMetrics metrics = new ScoringMetrics(registry);
        String device = sessions.probeDevice();
        metrics.device(device);
        LOG.info("scoring on {} (streamrec.scoring.device={}, mode {}, batch size {}, max wait {})", device,
                settings.device().name().toLowerCase(java.util.Locale.ROOT), settings.mode(), settings.batchSize(),
                settings.maxWait());
        return metrics;
    }

    @Singleton
    BatchScorer batchScorer(ModelSource models, ScoringSettings settings, ScoringMetrics metrics) {
        return new BatchScorer(models, settings, metrics);
    }

    @Singleton
    @Primary
    Ranker modelRanker(BatchScorer scorer) {
        return new ModelRanker(scorer);
    }
}
