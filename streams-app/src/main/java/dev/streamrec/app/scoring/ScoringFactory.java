package dev.streamrec.app.scoring;

import dev.streamrec.app.config.StreamrecProperties;
import dev.streamrec.app.topology.Ranker;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.onnx.SessionFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Primary;
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
    ScoringSettings scoringSettings(StreamrecProperties.Scoring p) {
        return settings(p);
    }

    /** The settings of the bound {@code streamrec.scoring} section. */
    public static ScoringSettings settings(StreamrecProperties.Scoring p) {
        return new ScoringSettings(OnnxDevice.parse(p.device()), p.cudaDeviceId(), p.gpuMemoryLimitBytes(),
                ScoringMode.parse(p.mode()), p.intraOpThreads(), p.batchSize(), p.maxWait(), p.warmupRuns(),
                p.verifyGolden());
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
