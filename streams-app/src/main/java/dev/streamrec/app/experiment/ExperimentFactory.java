package dev.streamrec.app.experiment;

import java.util.Properties;

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
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.StreamsConfig;

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
                Serdes.EXPERIMENT), clientConfig(builder));
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
        ExperimentsFollower follower = new ExperimentsFollower(publisher.topic(), ranker, clientConfig(builder),
                config.applicationId() + "-experiments-" + ProcessHandle.current().pid());
        follower.start();
        return follower;
    }

    /** Bootstrap servers and the security settings of the Streams configuration. */
    private static Properties clientConfig(ConfiguredStreamBuilder builder) {
        Properties streams = builder.getConfiguration();
        Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, streams.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        for (String key : streams.stringPropertyNames()) {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                client.put(key, streams.getProperty(key));
            }
        }
        return client;
    }
}
