package dev.streamrec.app.experiment;

import dev.streamrec.app.config.KafkaAccessCheck;
import dev.streamrec.app.config.StreamrecConfiguration;
import dev.streamrec.app.metrics.StreamrecMetrics;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.model.ModelSettings;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.topology.Ranker;
import dev.streamrec.avro.Experiment;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.Topic;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Micronaut wiring of experiments: the {@link ExperimentRanker} around the app's default ranker
 * (the topology ranks through it), the {@link ExperimentPublisher} behind the admin API, and,
 * unless {@code streamrec.experiments.follow=false}, the {@link ExperimentsFollower}, started with
 * the context.
 */
@Factory
public class ExperimentFactory {

    @Singleton
    @Bean(preDestroy = "close")
    ExperimentPublisher experimentPublisher(@Value("${streamrec.topics.experiments.name}") String name,
                                            @Named("default") ConfiguredStreamBuilder builder) {
        return new ExperimentPublisher(new Topic<>(name, org.apache.kafka.common.serialization.Serdes.String(),
                Serdes.EXPERIMENT), KafkaAccessCheck.clientConfig(builder.getConfiguration()));
    }

    /** The default tenant's; exposed only as itself (the topology ranks through {@code tenant.TenantRanker}). */
    @Singleton
    @Bean(typed = ExperimentRanker.class)
    ExperimentRanker experimentRanker(Ranker base, ModelManager models, ScoringSettings scoring,
                                      ScoringMetrics scoringMetrics, StreamrecMetrics metrics, ModelSettings modelSettings) {
        return new ExperimentRanker(base, models, scoring, scoringMetrics, metrics.experiments(), modelSettings.name());
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "streamrec.experiments.follow", notEquals = "false")
    ExperimentsFollower experimentsFollower(ExperimentPlan ranker, ExperimentPublisher publisher,
                                            StreamrecConfiguration config,
                                            @Named("default") ConfiguredStreamBuilder builder) {
        ExperimentsFollower follower = new ExperimentsFollower(publisher.topic(), ranker, KafkaAccessCheck.clientConfig(builder.getConfiguration()),
                config.applicationId() + "-experiments-" + ProcessHandle.current().pid());
        follower.start();
        return follower;
    }
}
