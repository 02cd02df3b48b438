package dev.streamrec.app.model;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import dev.streamrec.app.config.KafkaAccessCheck;
import dev.streamrec.app.config.StreamrecConfiguration;
import dev.streamrec.app.config.StreamrecProperties;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.model.ManifestSignature;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Micronaut wiring of hot-swap: {@code streamrec.models.*} into {@link ModelSettings}, the
 * {@link ModelManager} (also the scorer's {@code ModelSource}), and, unless
 * {@code streamrec.models.follow=false}, the {@link ModelUpdatesFollower}, started with the context.
 */
@Factory
public class ModelFactory {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelFactory.class);

    @Singleton
    ArtifactPolicy artifactPolicy(StreamrecProperties.Models p) {
        ArtifactPolicy policy = policy(p);
        LOG.info("model artifacts: local under {}, remote {} from hosts {}, at most {} bytes within {}, cache {}, {}",
                policy.roots(), policy.schemes(), policy.hosts(), policy.maxBytes(), policy.downloadTimeout(),
                policy.cacheDir(), policy.signingKey() == null ? "signatures not checked"
                        : "manifests must be signed (" + policy.signingKey().getAlgorithm() + ")");
        return policy;
    }

    /** What may be fetched, from the bound {@code streamrec.models} section. */
    public static ArtifactPolicy policy(StreamrecProperties.Models p) {
        ArtifactPolicy policy = ArtifactPolicy.localOnly(ArtifactPolicy.paths(p.artifactRoots()), Path.of(p.artifactCacheDir()))
                .withRemote(Set.copyOf(nonBlank(p.allowedSchemes())), Set.copyOf(nonBlank(p.allowedHosts())))
                .withLimits(p.maxArtifactBytes(), p.downloadTimeout());
        String key = p.signingPublicKey();
        if (key != null && !key.isBlank()) {
            try {
                policy = policy.withSigningKey(ManifestSignature.publicKey(key));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("streamrec.models.signing-public-key: " + e.getMessage(), e);
            }
        }
        return policy;
    }

    @Singleton
    ModelSettings modelSettings(StreamrecProperties.Models p, ArtifactPolicy policy) {
        return settings(p, policy.cacheDir());
    }

    /** Hot-swap settings of the bound section; the state file defaults to {@code <cacheDir>/model-state.json}. */
    public static ModelSettings settings(StreamrecProperties.Models p, Path cacheDir) {
        String stateFile = p.stateFile();
        return new ModelSettings(p.follow(), p.name() == null ? "" : p.name(), p.adminTimeout(),
                stateFile == null || stateFile.isBlank() ? cacheDir.resolve("model-state.json") : Path.of(stateFile),
                p.nonfiniteThreshold());
    }

    @Singleton
    @Bean(preDestroy = "close")
    ModelManager modelManager(ModelSettings settings, ArtifactPolicy policy, ScoringSettings scoring,
                              SessionFactory sessions, ScoringMetrics metrics, TopologySettings topology) {
        ModelLoader loader = new ModelLoader(new ArtifactFetcher(policy), scoring, sessions, 2 * topology.recommendK(),
                topology.historySize(), Clock.systemUTC());
        return new ModelManager(loader, settings, metrics);
    }

    private static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    @Context
    @Bean(preDestroy = "close")
    @Requires(property = "streamrec.models.follow", notEquals = "false")
    ModelUpdatesFollower modelUpdatesFollower(ModelManager manager, AppTopics topics, StreamrecConfiguration config,
                                              @Named("default") ConfiguredStreamBuilder builder) {
        // Security settings travel with the consumer.
        Properties client = KafkaAccessCheck.clientConfig(builder.getConfiguration());
        ModelUpdatesFollower follower = new ModelUpdatesFollower(topics.shared().modelUpdates(), manager, client,
                config.applicationId() + "-model-updates-" + ProcessHandle.current().pid());
        follower.start();
        return follower;
    }
}
