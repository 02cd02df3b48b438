package dev.streamrec.app.model;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import dev.streamrec.app.config.StreamrecConfiguration;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.model.ManifestSignature;
import io.micronaut.core.type.Argument;
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

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelFactory.class);

    @Singleton
    ArtifactPolicy artifactPolicy(Environment env) {
        Path cacheDir = env.getProperty("streamrec.models.artifact-cache-dir", String.class).map(Path::of)
                .orElse(Path.of(System.getProperty("java.io.tmpdir"), "streamrec-models"));
        List<Path> roots = ArtifactPolicy.paths(list(env, "streamrec.models.artifact-roots", List.of("models")));
        ArtifactPolicy policy = ArtifactPolicy.localOnly(roots, cacheDir)
                .withRemote(Set.copyOf(list(env, "streamrec.models.allowed-schemes", List.of("file", "https"))),
                        Set.copyOf(list(env, "streamrec.models.allowed-hosts", List.of())))
                .withLimits(env.getProperty("streamrec.models.max-artifact-bytes", Long.class).orElse(2L << 30),
                        env.getProperty("streamrec.models.download-timeout", Duration.class).orElse(Duration.ofMinutes(5)));
        String key = env.getProperty("streamrec.models.signing-public-key", String.class).orElse("");
        if (!key.isBlank()) {
            try {
                policy = policy.withSigningKey(ManifestSignature.publicKey(key));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("streamrec.models.signing-public-key: " + e.getMessage(), e);
            }
        }
        LOG.info("model artifacts: local under {}, remote {} from hosts {}, at most {} bytes within {}, cache {}, {}",
                policy.roots(), policy.schemes(), policy.hosts(), policy.maxBytes(), policy.downloadTimeout(),
                policy.cacheDir(), policy.signingKey() == null ? "signatures not checked"
                        : "manifests must be signed (" + policy.signingKey().getAlgorithm() + ")");
        return policy;
    }

    @Singleton
    ModelSettings modelSettings(Environment env, ArtifactPolicy policy) {
        ModelSettings d = ModelSettings.defaults();
        return new ModelSettings(
                env.getProperty("streamrec.models.follow", Boolean.class).orElse(d.follow()),
                env.getProperty("streamrec.models.name", String.class).orElse(d.name()),
                env.getProperty("streamrec.models.admin-timeout", Duration.class).orElse(d.adminTimeout()),
                env.getProperty("streamrec.models.state-file", String.class).filter(s -> !s.isBlank()).map(Path::of)
                        .orElse(policy.cacheDir().resolve("model-state.json")),
                env.getProperty("streamrec.models.nonfinite-threshold", Integer.class).orElse(d.nonFiniteThreshold()));
    }

    @Singleton
    @Bean(preDestroy = "close")
    ModelManager modelManager(ModelSettings settings, ArtifactPolicy policy, ScoringSettings scoring,
                              SessionFactory sessions, ScoringMetrics metrics, TopologySettings topology) {
        ModelLoader loader = new ModelLoader(new ArtifactFetcher(policy), scoring, sessions, 2 * topology.recommendK(),
                Clock.systemUTC());
        return new ModelManager(loader, settings, metrics);
    }

    private static List<String> list(Environment env, String key, List<String> fallback) {
        return env.getProperty(key, Argument.listOf(String.class)).orElse(fallback);
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
