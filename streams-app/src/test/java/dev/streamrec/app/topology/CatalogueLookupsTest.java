package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Stock is checked where it matters: with a filled co-visitation graph an event has a hundred or more
 * candidates, but the ranker reads the catalogue only for the items it is about to serve (about k per
 * event, a few more where items are out of stock), and still never serves an out-of-stock item.
 */
class CatalogueLookupsTest {

    private static final int USERS = 500;
    private static final int WARM_UP = 3_000;
    private static final int MEASURED = 1_000;

    @Test
    void shouldReadTheCatalogueAboutKTimesPerEventWithAFilledGraph() {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(USERS));
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            // given a catalogue where every third item is out of stock
            for (int i = 0; i < sim.settings().items(); i++) {
                String id = ShopperSimulator.itemId(i);
                f.catalog.pipeInput(id, Item.newBuilder().setItemId(id).setInStock(!outOfStock(id))
                        .setAttributes(Map.of()).build(), TopologyFixture.T0);
            }
            // and a graph and histories filled by a warm-up
            run(f, sim, 0, WARM_UP);
            f.drainRecommendations();
            long lookupsBefore = f.metrics.catalogueLookups.get();
            long eventsBefore = f.metrics.rankedEvents.get();
            long candidatesBefore = f.metrics.candidates.get();

            // when more events arrive
            run(f, sim, WARM_UP, MEASURED);

            // then every event was ranked over many candidates with about k catalogue reads
            long events = f.metrics.rankedEvents.get() - eventsBefore;
            double lookups = (double) (f.metrics.catalogueLookups.get() - lookupsBefore) / events;
            double candidates = (double) (f.metrics.candidates.get() - candidatesBefore) / events;
            String figures = String.format("%d events: %.1f candidates and %.1f catalogue reads per event",
                    events, candidates, lookups);
            System.out.println(figures);
            assertThat(events).isEqualTo(MEASURED);
            assertThat(candidates).as(figures).isGreaterThan(40);
            assertThat(lookups).as(figures).isLessThan(candidates / 2);
            int k = TopologySettings.defaults().recommendK();
            // k in-stock items take about 1.5 k reads when a third is out of stock
            assertThat(lookups).as(figures).isLessThanOrEqualTo(2.0 * k);
            // and nothing out of stock was served
            for (Recommendations r : f.drainRecommendations()) {
                assertThat(r.getItems()).extracting(RecommendedItem::getItemId).noneMatch(CatalogueLookupsTest::outOfStock);
                assertThat(r.getItems()).hasSize(k);
            }
        }
    }

    @Test
    void shouldSeeAnItemGoOutOfStockAndBackAtTheNextEventThoughTheCatalogueIsCached() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            // given a, b, c, d related and trending, all in stock, and a list served for b (d read into the cache)
            for (String item : List.of("a", "b", "c", "d")) {
                f.catalog.pipeInput(item, Item.newBuilder().setItemId(item).setInStock(true).setAttributes(Map.of()).build(),
                        TopologyFixture.T0);
            }
            for (String u : List.of("u1", "u2")) {
                for (String item : List.of("a", "b", "c", "d")) {
                    f.send(u, item, EventType.VIEW, Duration.ZERO);
                }
            }
            f.publish();
            f.drainRecommendations();
            f.send("shopper", "b", EventType.VIEW, Duration.ofMinutes(1));
            assertThat(items(f.drainRecommendations().getLast())).as("in stock, cached").contains("d");
            long loads = f.metrics.catalogueLookups.get();
            f.send("shopper", "b", EventType.VIEW, Duration.ofMinutes(2));
            assertThat(items(f.drainRecommendations().getLast())).contains("d");
            assertThat(f.metrics.catalogueLookups.get()).as("the second list is served from the cache").isEqualTo(loads);

            // when d goes out of stock
            f.catalog.pipeInput("d", Item.newBuilder().setItemId("d").setInStock(false).setAttributes(Map.of()).build(),
                    TopologyFixture.T0.plusSeconds(180));
            f.send("shopper", "b", EventType.VIEW, Duration.ofMinutes(3));

            // then the very next list leaves it out, and it comes back when restocked
            assertThat(items(f.drainRecommendations().getLast())).as("out of stock").doesNotContain("d").contains("c");
            f.catalog.pipeInput("d", Item.newBuilder().setItemId("d").setInStock(true).setAttributes(Map.of()).build(),
                    TopologyFixture.T0.plusSeconds(240));
            f.send("shopper", "b", EventType.VIEW, Duration.ofMinutes(4));
            assertThat(items(f.drainRecommendations().getLast())).as("restocked").contains("d");

            // and a deleted catalogue entry counts as unknown (available) again
            f.catalog.pipeInput("d", Item.newBuilder().setItemId("d").setInStock(false).setAttributes(Map.of()).build(),
                    TopologyFixture.T0.plusSeconds(300));
            f.send("shopper", "b", EventType.VIEW, Duration.ofMinutes(5));
            assertThat(items(f.drainRecommendations().getLast())).doesNotContain("d");
            f.catalog.pipeInput("d", null, TopologyFixture.T0.plusSeconds(360));
            f.send("shopper", "b", EventType.VIEW, Duration.ofMinutes(6));
            assertThat(items(f.drainRecommendations().getLast())).as("no catalogue entry").contains("d");
        }
    }

    private static List<String> items(Recommendations r) {
        return r.getItems().stream().map(RecommendedItem::getItemId).toList();
    }

    private static boolean outOfStock(String itemId) {
        return Integer.parseInt(itemId.substring("item-".length())) % 3 == 0;
    }

    private static void run(TopologyFixture f, ShopperSimulator sim, int from, int n) {
        for (int i = from; i < from + n; i++) {
            long ts = TopologyFixture.T0.toEpochMilli() + i * 5L;
            UserEvent e = sim.next(ts);
            f.events.pipeInput(new TestRecord<>(e.getUserId(), e, Instant.ofEpochMilli(ts)));
            if ((i + 1) % 20 == 0) {
                f.driver.advanceWallClockTime(java.time.Duration.ofMillis(100));
            }
        }
    }
}
