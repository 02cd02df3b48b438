package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.filter.ExclusionPolicy;
import dev.streamrec.app.filter.RecommendRules;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** {@code streamrec.recommend.exclude}, over-fetch, the per-category cap and cold start in the recommend step. */
class BusinessRulesTopologyTest {

    private static final Duration MIN = Duration.ofMinutes(1);

    @Test
    void shouldLetViewedItemsComeBackUnderPurchasesAndNeverUnderHistory() {
        for (ExclusionPolicy policy : ExclusionPolicy.values()) {
            try (TopologyFixture f = fixture(new RecommendRules(policy, 1, 0), 10)) {
                // given item-1 and item-2 co-visited
                f.send("user-0", "item-1", EventType.VIEW, MIN);
                f.send("user-0", "item-2", EventType.VIEW, MIN.multipliedBy(2));
                f.publish();
                // when a user views item-2 after item-1
                f.send("user-9", "item-1", EventType.VIEW, MIN.multipliedBy(3));
                f.send("user-9", "item-2", EventType.VIEW, MIN.multipliedBy(4));
                List<String> last = ids(f.drainRecommendations().getLast());
                // then the viewed item-1 comes back only under the purchases policy
                if (policy == ExclusionPolicy.PURCHASES) {
                    assertThat(last).as(policy.name()).contains("item-1").doesNotContain("item-2");
                } else {
                    assertThat(last).as(policy.name()).doesNotContain("item-1", "item-2");
                }
            }
        }
    }

    @Test
    void shouldStoreTheOverFetchedListAndPublishK() {
        try (TopologyFixture f = fixture(new RecommendRules(ExclusionPolicy.PURCHASES, 3, 0), 2)) {
            coVisitAll(f, 8);
            f.send("user-9", "item-0", EventType.VIEW, MIN.multipliedBy(20));
            Recommendations published = f.drainRecommendations().getLast();
            KeyValueStore<String, Recommendations> store = f.driver.getKeyValueStore(StreamrecTopology.RECOMMENDATIONS_STORE);
            assertThat(published.getItems()).as("topic record: k").hasSize(2);
            assertThat(store.get("user-9").getItems()).as("stored: k x overfetch").hasSize(6);
            assertThat(ids(store.get("user-9")).subList(0, 2)).as("same order").isEqualTo(ids(published));
        }
    }

    @Test
    void shouldKeepAtMostNItemsPerCategory() {
        try (TopologyFixture f = fixture(new RecommendRules(ExclusionPolicy.PURCHASES, 1, 2), 6)) {
            // given 8 co-visited items, the even ones in "shoes", the odd ones in "hats"
            for (int i = 0; i < 8; i++) {
                item(f, "item-" + i, i % 2 == 0 ? "shoes" : "hats");
            }
            coVisitAll(f, 8);
            f.send("user-9", "item-0", EventType.VIEW, MIN.multipliedBy(20));
            List<String> list = ids(f.drainRecommendations().getLast());
            assertThat(list).hasSize(4);
            assertThat(list.stream().filter(id -> Integer.parseInt(id.substring(5)) % 2 == 0)).as("shoes").hasSize(2);
        }
    }

    @Test
    void shouldStartAColdUserWithTrendingItemsOfTheBrowsedCategoryThenOverallTrending() {
        try (TopologyFixture f = fixture(RecommendRules.DEFAULTS, 5)) {
            // given trending items: hat-1 the most popular, then shoe-1 and shoe-2; a lone item "shoe-new" no one co-visited
            item(f, "hat-1", "hats");
            item(f, "shoe-1", "shoes");
            item(f, "shoe-2", "shoes");
            item(f, "shoe-new", "shoes");
            int t = 0;
            for (String it : List.of("hat-1", "hat-1", "hat-1", "shoe-1", "shoe-1", "shoe-2")) {
                f.send("buyer-" + t, it, EventType.VIEW, MIN.multipliedBy(++t)); // one event per user: no co-visits
            }
            f.publish();
            f.drainRecommendations();

            // when a new user looks at the uncovisited shoe
            f.send("newcomer", "shoe-new", EventType.VIEW, MIN.multipliedBy(10));

            // then trending shoes lead, with the reason saying so, then overall trending
            List<RecommendedItem> items = f.drainRecommendations().getLast().getItems();
            assertThat(items).extracting(RecommendedItem::getItemId).containsExactly("shoe-1", "shoe-2", "hat-1");
            assertThat(items).extracting(RecommendedItem::getReason).containsExactly(
                    "trending-in-category:shoes", "trending-in-category:shoes", "trending");

            // and an item without a category gets overall trending
            f.send("newcomer-2", "unknown-item", EventType.VIEW, MIN.multipliedBy(11));
            assertThat(f.drainRecommendations().getLast().getItems()).extracting(RecommendedItem::getReason)
                    .containsOnly("trending");
        }
    }

    private static TopologyFixture fixture(RecommendRules rules, int k) {
        return new TopologyFixture(TopologySettings.defaults().toBuilder().recommendK(k).build(), rules,
                new HeuristicRanker(), MicroBatching.NONE);
    }

    /** One user views item-0 .. item-(n-1) in a row: all of them become neighbours of each other. */
    private static void coVisitAll(TopologyFixture f, int n) {
        for (int i = 0; i < n; i++) {
            f.send("user-0", "item-" + i, EventType.VIEW, MIN.plusSeconds(i));
        }
        f.publish();
        f.drainRecommendations();
    }

    private static void item(TopologyFixture f, String id, String category) {
        f.catalog.pipeInput(id, Item.newBuilder().setItemId(id).setCategory(category).setInStock(true)
                .setAttributes(Map.of()).build());
    }

    private static List<String> ids(Recommendations r) {
        return r.getItems().stream().map(RecommendedItem::getItemId).toList();
    }
}
