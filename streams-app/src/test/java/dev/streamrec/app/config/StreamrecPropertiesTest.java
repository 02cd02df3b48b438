package dev.streamrec.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.model.ModelFactory;
import dev.streamrec.app.model.ModelSettings;
import dev.streamrec.app.scoring.ScoringFactory;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.EventType;
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
            assertThat(topics).isEqualTo(new StreamrecProperties.Topics(true, 4, (short) 1));
        }
    }

    @Test
    void shouldTakeOverridesFromAnyPropertySource() {
        try (ApplicationContext ctx = bind(Map.of(
                "streamrec.covisit.weights.add-to-cart", 5.5,
                "streamrec.recommend.k", 7,
                "streamrec.users.idle-ttl", "2h",
                "streamrec.scoring.mode", "full",
                "streamrec.models.allowed-hosts", "a.example, b.example:8443"))) {
            TopologySettings t = topology(ctx);
            assertThat(t.weight(EventType.ADD_TO_CART)).isEqualTo(5.5);
            assertThat(t.recommendK()).isEqualTo(7);
            assertThat(t.userIdleTtl()).isEqualTo(Duration.ofHours(2));
            assertThat(t.historySize()).as("untouched keys keep the file's value").isEqualTo(50);
            assertThat(ScoringFactory.settings(ctx.getBean(StreamrecProperties.Scoring.class)).mode().name()).isEqualTo("FULL");
            assertThat(ModelFactory.policy(ctx.getBean(StreamrecProperties.Models.class)).hosts())
                    .containsExactlyInAnyOrder("a.example", "b.example:8443");
        }
    }

    @Test
    void shouldRefuseAnInvalidValueNamingItsKey() {
        try (ApplicationContext ctx = bind(Map.of("streamrec.covisit.tracked", 5))) {
            assertThatThrownBy(() -> topology(ctx)).hasMessageContaining("streamrec.covisit.tracked (5)");
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
                ctx.getBean(StreamrecProperties.Quality.class));
    }
}
