package dev.streamrec.app.tenant;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.config.KafkaAccessCheck;
import dev.streamrec.app.config.StreamrecConfiguration;
import dev.streamrec.app.config.StreamrecProperties;
import dev.streamrec.app.experiment.ExperimentPlan;
import dev.streamrec.app.experiment.ExperimentRanker;
import dev.streamrec.app.metrics.StreamrecMetrics;
import dev.streamrec.app.metrics.TenantLabels;
import dev.streamrec.app.model.ArtifactFetcher;
import dev.streamrec.app.model.ArtifactPolicy;
import dev.streamrec.app.model.ModelLoader;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.model.ModelSettings;
import dev.streamrec.app.model.ModelUpdatesFollower;
import dev.streamrec.app.scoring.BatchScorer;
import dev.streamrec.app.scoring.ModelRanker;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.app.topology.HeuristicRanker;
import dev.streamrec.app.topology.Ranker;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.topics.TenantKeys;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Micronaut wiring of tenants: the metric label cap ({@link TenantLabels}), a model manager and
 * follower per tenant with a model ({@link TenantModels}), and the {@link TenantRanker} the topology
 * ranks through (also the {@link ExperimentPlan} the experiments follower and admin API use).
 */
@Factory
public class TenantFactory {

    @Singleton
    TenantLabels tenantLabels(StreamrecProperties.TenantMetrics p, List<StreamrecProperties.Tenant> tenants) {
        Set<String> allowed = new HashSet<>(p.labelled() == null ? List.of() : p.labelled());
        tenants.forEach(t -> allowed.add(t.tenant()));
        return new TenantLabels(allowed, p.maxLabels());
    }

    @Singleton
    @Bean(preDestroy = "close")
    TenantModels tenantModels(List<StreamrecProperties.Tenant> tenants, ModelSettings defaults, ArtifactPolicy policy,
                              ScoringSettings scoring, SessionFactory sessions, ScoringMetrics metrics,
                              TopologySettings topology, AppTopics topics, StreamrecConfiguration config,
                              @Named("default") ConfiguredStreamBuilder builder) {
        Map<String, ModelManager> managers = new HashMap<>();
        List<ModelUpdatesFollower> followers = new java.util.ArrayList<>();
        for (StreamrecProperties.Tenant t : tenants) {
            if (t.model() == null || t.model().isBlank() || TenantKeys.isDefault(t.tenant())) {
                continue; // the default tenant's model is streamrec.models.name
            }
            Path state = defaults.stateFile() == null ? null
                    : defaults.stateFile().resolveSibling("model-state-" + t.tenant() + ".json");
            ModelSettings settings = new ModelSettings(defaults.follow(), t.model(), defaults.adminTimeout(), state,
                    defaults.nonFiniteThreshold());
            ModelLoader loader = new ModelLoader(new ArtifactFetcher(policy), scoring, sessions, 2 * topology.recommendK(),
                    topology.historySize(), Clock.systemUTC());
            ModelManager manager = new ModelManager(loader, settings, metrics);
            managers.put(t.tenant(), manager);
            if (defaults.follow()) {
                ModelUpdatesFollower follower = new ModelUpdatesFollower(topics.shared().modelUpdates(), manager,
                        KafkaAccessCheck.clientConfig(builder.getConfiguration()),
                        config.applicationId() + "-model-updates-" + t.tenant() + "-" + ProcessHandle.current().pid());
                follower.start();
                followers.add(follower);
            }
        }
        return new TenantModels(managers, followers);
    }

    @Singleton
    @Bean(typed = {TenantRanker.class, ExperimentPlan.class})
    TenantRanker tenantRanker(ExperimentRanker defaultRanker, TenantModels models, List<StreamrecProperties.Tenant> tenants,
                              ScoringSettings scoring, ScoringMetrics scoringMetrics, StreamrecMetrics metrics) {
        Map<String, Ranker> rankers = new HashMap<>();
        for (StreamrecProperties.Tenant t : tenants) {
            ModelManager manager = models.managers().get(t.tenant());
            if (manager != null) {
                rankers.put(t.tenant(), new ExperimentRanker(new ModelRanker(new BatchScorer(manager, scoring, scoringMetrics)),
                        manager, scoring, scoringMetrics, metrics.experiments(), t.model()));
            }
        }
        return new TenantRanker(defaultRanker, rankers, new HeuristicRanker());
    }
}
