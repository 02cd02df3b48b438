package dev.streamrec.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.streamrec.app.filter.ExclusionPolicy;
import dev.streamrec.app.filter.RecommendRules;
import dev.streamrec.app.filter.RecommendRulesFactory;
import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.app.model.ModelFactory;
import dev.streamrec.app.model.ModelSettings;
import dev.streamrec.app.scoring.ScoringFactory;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.EventType;
import dev.streamrec.kafka.TopicSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.DefaultApplicationContext;
import io.micronaut.context.env.PropertySource;
import org.junit.jupiter.api.Test;

/**
 * The typed configuration beans bound from {@code application.yml} alone (no broker: only the
 * property beans are asked for) against the {@code defaults()} that tests and tools use outside
 * Micronaut, so the two cannot drift; and an override reaching the settings.
 */
class StreamrecPropertiesTest {

    @Test
    void shouldBindApplicationYmlToTheSameSettingsAsTheDefaults() {
        try (ApplicationContext ctx = bind(Map.of())) {
            assertThat(topology(ctx)).as("TopologySettings from application.yml").isEqualTo(TopologySettings.defaults());
            assertThat(ScoringFactory.settings(ctx.getBean(StreamrecProperties.Scoring.class)))
                    .as("ScoringSettings from application.yml").isEqualTo(ScoringSettings.defaults());
            ModelSettings models = ModelFactory.settings(ctx.getBean(StreamrecProperties.Models.class), Path.of("cache"));
            assertThat(models).as("ModelSettings from application.yml (state file under the cache)")
                    .isEqualTo(ModelSettings.defaults().withStateFile(Path.of("cache", "model-state.json")));
            StreamrecProperties.Topics topics = ctx.getBean(StreamrecProperties.Topics.class);
            assertThat(topics).isEqualTo(new StreamrecProperties.Topics(true, 4, (short) 1, 16_777_216L));
        }
    }

    @Test
    void shouldGiveCompactedTopicsSmallSegmentsAndOtherTopicsTheirConfiguredRetention() {
        try (ApplicationContext ctx = bind(Map.of("streamrec.topics.user-events-dlq.retention", "14d",
                "streamrec.topics.recommendations.segment-bytes", 1_048_576))) {
            Map<String, Map<String, String>> plan = ctx.getBean(TopicPlan.class).topics().stream()
                    .collect(Collectors.toMap(TopicSettings::name, TopicSettings::creationConfigs));
            assertThat(plan.get("item-catalog")).containsEntry("cleanup.policy", "compact")
                    .containsEntry("segment.bytes", "16777216");
            assertThat(plan.get("user-deletions")).containsEntry("cleanup.policy", "compact")
                    .containsEntry("segment.bytes", "16777216");
            assertThat(plan.get("user-events")).as("the input: the broker's defaults").isEmpty();
            assertThat(plan.get("user-events-dlq")).isEqualTo(Map.of("retention.ms", "1209600000"));
            assertThat(plan.get("recommendations")).isEqualTo(Map.of("segment.bytes", "1048576"));
        }
    }

    @Test
    void shouldTakeOverridesFromAnyPropertySource() {
        try (ApplicationContext ctx = bind(Map.of(
                "streamrec.covisit.weights.add-to-cart", 5.5,
                "streamrec.recommend.k", 7,
                "streamrec.users.idle-ttl", "2h",
                "streamrec.scoring.mode", "full",
                "streamrec.caches.covisit-tops", 500,
                "streamrec.caches.recently-shown-users", 300,
                "streamrec.models.allowed-hosts", "a.example, b.example:8443"))) {
            TopologySettings t = topology(ctx);
            assertThat(t.weight(EventType.ADD_TO_CART)).isEqualTo(5.5);
            assertThat(t.recommendK()).isEqualTo(7);
            assertThat(t.userIdleTtl()).isEqualTo(Duration.ofHours(2));
            assertThat(t.caches().covisitTops()).isEqualTo(500);
            assertThat(t.caches().recentlyShownUsers()).isEqualTo(300);
            assertThat(t.caches().neighbourLists()).as("untouched keys keep the file's value").isEqualTo(20_000);
            assertThat(t.historySize()).as("untouched keys keep the file's value").isEqualTo(50);
            assertThat(ScoringFactory.settings(ctx.getBean(StreamrecProperties.Scoring.class)).mode().name()).isEqualTo("FULL");
            assertThat(ModelFactory.policy(ctx.getBean(StreamrecProperties.Models.class)).hosts())
                    .containsExactlyInAnyOrder("a.example", "b.example:8443");
        }
    }

    @Test
    void shouldBindEachTenantsRulesOverTheGlobalOnes() {
        try (ApplicationContext ctx = bind(Map.of(
                "streamrec.recommend.max-per-category", 3,
                "streamrec.tenants.shop-b.max-per-category", 1,
                "streamrec.tenants.shop-b.exclude", "history",
                "streamrec.tenants.shop-b.model", "shop-b-recs",
                "streamrec.tenant-metrics.max-labels", 5))) {
            // given the global rules of the file (with one override) and shop-b's own
            RecommendRules global = new RecommendRules(ExclusionPolicy.PURCHASES, 1, 3, true);
            List<StreamrecProperties.Tenant> tenants = List.copyOf(ctx.getBeansOfType(StreamrecProperties.Tenant.class));
            TenantRules rules = RecommendRulesFactory.rules(global, tenants);

            // then shop-b's set keys win, its unset ones and every other tenant take the global values
            assertThat(tenants).extracting(StreamrecProperties.Tenant::tenant).containsExactly("shop-b");
            assertThat(tenants.getFirst().model()).isEqualTo("shop-b-recs");
            assertThat(rules.forTenant("shop-b")).isEqualTo(new RecommendRules(ExclusionPolicy.HISTORY, 1, 1, true));
            assertThat(rules.forTenant("shop-c")).isEqualTo(global);
            assertThat(rules.forKey("shop-b|user-1").maxPerCategory()).isEqualTo(1);
            assertThat(rules.forKey("user-1")).as("a plain key: the default tenant").isEqualTo(global);
            assertThat(ctx.getBean(StreamrecProperties.TenantMetrics.class).maxLabels()).isEqualTo(5);
        }
    }

    @Test
    void shouldBindNoTenantsAndTheLabelCapFromTheFile() {
        try (ApplicationContext ctx = bind(Map.of())) {
            assertThat(ctx.getBeansOfType(StreamrecProperties.Tenant.class)).isEmpty();
            assertThat(ctx.getBean(StreamrecProperties.TenantMetrics.class))
                    .isEqualTo(new StreamrecProperties.TenantMetrics(10, List.of()));
            assertThat(ctx.getBean(StreamrecProperties.Recommend.class).excludeOutOfStock()).isTrue();
        }
    }

    @Test
    void shouldRefuseAnInvalidValueNamingItsKey() {
        try (ApplicationContext ctx = bind(Map.of("streamrec.covisit.tracked", 5))) {
            assertThatThrownBy(() -> topology(ctx)).hasMessageContaining("streamrec.covisit.tracked (5)");
        }
        try (ApplicationContext ctx = bind(Map.of("streamrec.caches.neighbour-lists", 0))) {
            assertThatThrownBy(() -> topology(ctx)).hasMessageContaining("streamrec.caches.neighbour-lists must be > 0");
        }
    }

    /**
     * A started context of application.yml plus {@code overrides} that skips the eager ({@code @Context})
     * beans, so nothing of the app (Kafka Streams, the model follower) is created: the property beans
     * bind on demand.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static ApplicationContext bind(Map<String, Object> overrides) {
        ApplicationContext ctx = new DefaultApplicationContext("test") {
            @Override
            protected void initializeContext(List contextScopeBeans, List processedBeans, List parallelBeans) {
                // no eager beans
            }
        };
        ctx.getEnvironment().addPropertySource(PropertySource.of("overrides", overrides));
        return ctx.start();
    }

    private static TopologySettings topology(ApplicationContext ctx) {
        return StreamrecConfiguration.topology(ctx.getBean(StreamrecProperties.History.class),
                ctx.getBean(StreamrecProperties.Users.class), ctx.getBean(StreamrecProperties.Dedupe.class),
                ctx.getBean(StreamrecProperties.Validation.class), ctx.getBean(StreamrecProperties.Limits.class),
                ctx.getBean(StreamrecProperties.Covisit.class), ctx.getBean(StreamrecProperties.CovisitWeights.class),
                ctx.getBean(StreamrecProperties.Trending.class), ctx.getBean(StreamrecProperties.Recommend.class),
                ctx.getBean(StreamrecProperties.Quality.class), ctx.getBean(StreamrecProperties.Caches.class));
    }
}
