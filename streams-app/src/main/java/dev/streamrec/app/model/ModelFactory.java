package dev.streamrec.app.model;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

import dev.streamrec.app.config.StreamrecConfiguration;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.app.topology.TopologySettings;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Micronaut wiring of hot-swap: {@code streamrec.models.*} into {@link ModelSettings}, the
 * {@link ModelManager} (also the scorer's {@code ModelSource}), and, unless
 * {@code streamrec.models.follow=false}, the {@link ModelUpdatesFollower}, started with the context.
 */
@Factory
public class ModelFactory {

    @Singleton
    ModelSettings modelSettings(Environment env) {
        ModelSettings d = ModelSettings.defaults();
        return new ModelSettings(
                env.getProperty("streamrec.models.follow", Boolean.class).orElse(d.follow()),
                env.getProperty("streamrec.models.name", String.class).orElse(d.name()),
                env.getProperty("streamrec.models.artifact-cache-dir", String.class).map(Path::of).orElse(d.cacheDir()),
                env.getProperty("streamrec.models.download-timeout", Duration.class).orElse(d.downloadTimeout()),
                env.getProperty("streamrec.models.admin-timeout", Duration.class).orElse(d.adminTimeout()));
    }

    @Singleton
    @Bean(preDestroy = "close")
    ModelManager modelManager(ModelSettings settings, ScoringSettings scoring, SessionFactory sessions,
                              ScoringMetrics metrics, TopologySettings topology) {
        ModelLoader loader = new ModelLoader(new ArtifactFetcher(settings.cacheDir(), settings.downloadTimeout()), scoring,
                sessions, 2 * topology.recommendK(), Clock.systemUTC());
        return new ModelManager(loader, settings, metrics);
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "streamrec.models.follow", notEquals = "false")
    ModelUpdatesFollower modelUpdatesFollower(ModelManager manager, AppTopics topics, StreamrecConfiguration config,
                                              @Named("default") ConfiguredStreamBuilder builder) {
        Properties streams = builder.getConfiguration();
        Properties client = new Properties();
        client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, streams.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        for (String key : streams.stringPropertyNames()) { // security settings travel with the consumer
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                client.put(key, streams.getProperty(key));
            }
        }
        ModelUpdatesFollower follower = new ModelUpdatesFollower(topics.shared().modelUpdates(), manager, client,
                config.applicationId() + "-model-updates-" + ProcessHandle.current().pid());
        follower.start();
        return follower;
    }
}
