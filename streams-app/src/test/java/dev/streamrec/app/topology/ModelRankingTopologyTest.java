package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.filter.RecommendRules;
import dev.streamrec.app.scoring.BatchScorer;
import dev.streamrec.app.scoring.ModelLease;
import dev.streamrec.app.scoring.ModelRanker;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.app.tenant.TenantRanker;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.topics.TenantKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The topology with the model ranker on a real trainer-made model, full-catalog mode, micro-batched. */
class ModelRankingTopologyTest {

    private static final Duration MIN = Duration.ofMinutes(1);
    static RecommenderSession session;

    @BeforeAll
    static void openModel() throws Exception {
        Path root = Files.createTempDirectory("streamrec-model-ttd-");
        session = new SessionFactory(ScoringSettings.defaults().session()).open(TrainedModels.export(root, "v1", 1L));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void shouldNeverRecommendPurchasedOutOfStockOrTriggeringItemsInFullCatalogMode() {
        ModelRanker ranker = new ModelRanker(new BatchScorer(() -> lease(session),
                ScoringSettings.defaults().withMode(ScoringMode.FULL), new ScoringMetrics(new SimpleMeterRegistry())));
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), ranker,
                new MicroBatching(2, Duration.ofMillis(100)))) {
            // given user-a's list after viewing item-1
            f.send("user-a", "item-1", EventType.VIEW, MIN);
            f.driver.advanceWallClockTime(Duration.ofMillis(200));
            Recommendations first = f.drainRecommendations().getFirst();
            assertThat(first.getModelVersion()).isEqualTo("v1");
            assertThat(first.getItems()).hasSize(10).allSatisfy(i -> assertThat(i.getReason()).isEqualTo("model"));
            String top = first.getItems().getFirst().getItemId();
            String second = first.getItems().get(1).getItemId();

            // when the top item goes out of stock, and user-c has bought the second one
            f.catalog.pipeInput(top, Item.newBuilder().setItemId(top).setInStock(false).setAttributes(Map.of()).build());
            f.send("user-c", second, EventType.PURCHASE, MIN);
            f.send("user-b", "item-1", EventType.VIEW, MIN.multipliedBy(2));
            f.send("user-c", "item-1", EventType.VIEW, MIN.multipliedBy(2));
            f.driver.advanceWallClockTime(Duration.ofMillis(200));

            // then neither user gets the out-of-stock item, user-c not the purchased one, nobody item-1
            List<Recommendations> out = f.drainRecommendations();
            Recommendations b = out.stream().filter(r -> r.getUserId().equals("user-b")).findFirst().orElseThrow();
            Recommendations c = out.stream().filter(r -> r.getUserId().equals("user-c")).toList().getLast();
            assertThat(ids(b)).hasSize(10).doesNotContain(top, "item-1").contains(second);
            assertThat(ids(c)).hasSize(10).doesNotContain(top, second, "item-1");
        }
    }

    @Test
    void shouldRankATenantWithItsOwnModelOnPlainIdsAndOthersWithoutIt() {
        // given shop-b ranked by the model (trained on plain ids item-N), every other tenant by the heuristic
        ModelRanker model = new ModelRanker(new BatchScorer(() -> lease(session),
                ScoringSettings.defaults().withMode(ScoringMode.FULL), new ScoringMetrics(new SimpleMeterRegistry())));
        TenantRanker ranker = new TenantRanker(new HeuristicRanker(), Map.of("shop-b", model), new HeuristicRanker());
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), RecommendRules.DEFAULTS, ranker,
                MicroBatching.NONE)) {
            // and item-2 out of stock in shop-b's catalogue
            f.catalog.pipeInput(TenantKeys.scope("shop-b", "item-2"), Item.newBuilder().setItemId("item-2")
                    .setTenantId("shop-b").setInStock(false).setAttributes(Map.of()).build());

            // when the same user id views item-1 in shop-b and in shop-a
            for (String tenant : List.of("shop-b", "shop-a")) {
                f.send(UserEvent.newBuilder(f.event("user-a", "item-1", EventType.VIEW, MIN)).setTenantId(tenant)
                        .setEventId(tenant + "-e1").build());
            }
            List<Recommendations> out = f.drainRecommendations();

            // then shop-b's list comes from the model, over its plain catalogue ids, without its out-of-stock item
            Recommendations b = out.getFirst();
            assertThat(b.getTenantId()).isEqualTo("shop-b");
            assertThat(b.getModelVersion()).isEqualTo("v1");
            assertThat(ids(b)).hasSize(10).doesNotContain("item-1", "item-2")
                    .allSatisfy(id -> assertThat(id).startsWith("item-"));
            // and shop-a, with no model of its own, gets the heuristic (nothing co-visited yet: an empty list)
            assertThat(out.get(1).getTenantId()).isEqualTo("shop-a");
            assertThat(out.get(1).getModelVersion()).isEqualTo(HeuristicRanker.VERSION);
        }
    }

    private static List<String> ids(Recommendations r) {
        return r.getItems().stream().map(RecommendedItem::getItemId).toList();
    }

    private static ModelLease lease(RecommenderSession s) {
        return new ModelLease() {
            @Override
            public RecommenderSession session() {
                return s;
            }

            @Override
            public String version() {
                return "v1";
            }

            @Override
            public void close() {
            }
        };
    }
}
