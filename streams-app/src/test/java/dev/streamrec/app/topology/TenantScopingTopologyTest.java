package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.filter.ExclusionPolicy;
import dev.streamrec.app.filter.RecommendRules;
import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import dev.streamrec.topics.DlqHeaders;
import dev.streamrec.topics.TenantKeys;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Tenant scoping in the topology: the same user and item ids in two tenants are different entities in
 * the history, the co-visitation graph, trending and the lists; the output carries plain ids and the
 * tenant; bad tenant input is dead-lettered; stream rules apply per tenant.
 */
class TenantScopingTopologyTest {

    private static final Duration MIN = Duration.ofMinutes(1);

    @Test
    void shouldKeepHistoriesGraphsAndListsOfTwoTenantsApart() {
        try (TopologyFixture f = fixture(TenantRules.of(RecommendRules.DEFAULTS))) {
            // given shop-a: item-1 co-visited with item-2 and a-only; shop-b: item-1 co-visited with b-only
            send(f, "shop-a", "user-0", "item-1", 1);
            send(f, "shop-a", "user-0", "item-2", 2);
            send(f, "shop-a", "user-0", "a-only", 3);
            send(f, "shop-b", "user-0", "item-1", 4);
            send(f, "shop-b", "user-0", "b-only", 5);
            f.publish();
            f.drainRecommendations();

            // when user-1 of each tenant views item-1
            send(f, "shop-a", "user-1", "item-1", 10);
            TestRecord<String, Recommendations> a = f.recommendations.readRecord();
            send(f, "shop-b", "user-1", "item-1", 11);
            TestRecord<String, Recommendations> b = f.recommendations.readRecord();

            // then each gets its own tenant's items only, as plain ids, named by tenant, keyed by the scoped user
            assertThat(a.key()).isEqualTo("shop-a|user-1");
            assertThat(a.value().getTenantId()).isEqualTo("shop-a");
            assertThat(a.value().getUserId()).isEqualTo("user-1");
            assertThat(ids(a.value())).contains("item-2", "a-only").doesNotContain("b-only")
                    .allSatisfy(id -> assertThat(id).doesNotContain("|"));
            assertThat(a.value().getItems()).extracting(RecommendedItem::getReason)
                    .allSatisfy(r -> assertThat(r).doesNotContain("|"));
            assertThat(b.key()).isEqualTo("shop-b|user-1");
            assertThat(b.value().getTenantId()).isEqualTo("shop-b");
            assertThat(ids(b.value())).contains("b-only").doesNotContain("item-2", "a-only");

            // and the stores hold scoped, separate entries: no history or graph entry crosses
            assertThat(f.history("user-1")).as("no default-tenant user-1").isNull();
            assertThat(itemsOf(f.history("shop-a|user-1"))).containsExactly("shop-a|item-1");
            assertThat(itemsOf(f.history("shop-b|user-1"))).containsExactly("shop-b|item-1");
            assertThat(f.globalNeighbours("item-1")).as("no default-tenant item-1").isNull();
            assertThat(neighbourIds(f.globalNeighbours("shop-a|item-1"))).isNotEmpty()
                    .allSatisfy(id -> assertThat(id).startsWith("shop-a|"));
            assertThat(neighbourIds(f.globalNeighbours("shop-b|item-1"))).containsExactly("shop-b|b-only");
            assertThat(f.metrics.rejected).isEmpty();
        }
    }

    @Test
    void shouldStartAColdUserWithTheTrendingItemsOfItsOwnTenant() {
        try (TopologyFixture f = fixture(TenantRules.of(RecommendRules.DEFAULTS))) {
            // given shop-a's trending a-hot (3 users) and shop-b's b-hot (1 user), one event per user: no co-visits
            for (int i = 0; i < 3; i++) {
                send(f, "shop-a", "buyer-" + i, "a-hot", 1 + i);
            }
            send(f, "shop-b", "buyer-9", "b-hot", 5);
            f.publish();
            f.drainRecommendations();
            assertThat(f.trending.readKeyValuesToMap()).as("one list per tenant and partition")
                    .containsKeys("shop-a|partition-0", "shop-b|partition-0");

            // when a new user of shop-b arrives on an item nobody co-visited
            send(f, "shop-b", "newcomer", "b-new", 10);

            // then only shop-b's trending item is offered
            assertThat(ids(f.drainRecommendations().getLast())).containsExactly("b-hot");
        }
    }

    @Test
    void shouldApplyEachTenantsOwnStreamRules() {
        // given shop-strict excludes the whole history and takes only in-stock items of the catalogue;
        // the default tenant keeps the global rules (viewed items may come back)
        TenantRules rules = new TenantRules(RecommendRules.DEFAULTS,
                Map.of("shop-strict", new RecommendRules(ExclusionPolicy.HISTORY, 1, 0, true)));
        try (TopologyFixture f = fixture(rules)) {
            for (String tenant : List.of("default", "shop-strict")) {
                send(f, tenant, "user-0", "item-1", 1);
                send(f, tenant, "user-0", "item-2", 2);
            }
            f.publish();
            f.drainRecommendations();

            // when a user of each views item-2 after item-1
            for (String tenant : List.of("default", "shop-strict")) {
                send(f, tenant, "user-9", "item-1", 3);
                send(f, tenant, "user-9", "item-2", 4);
            }
            List<Recommendations> out = f.drainRecommendations();

            // then the viewed item-1 comes back in the default tenant only
            Recommendations plain = out.get(1);
            Recommendations strict = out.get(3);
            assertThat(plain.getTenantId()).isEqualTo("default");
            assertThat(ids(plain)).contains("item-1");
            assertThat(strict.getTenantId()).isEqualTo("shop-strict");
            assertThat(ids(strict)).doesNotContain("item-1", "item-2");
        }
    }

    @Test
    void shouldReadTheCatalogueOfTheUsersTenant() {
        try (TopologyFixture f = fixture(TenantRules.of(RecommendRules.DEFAULTS))) {
            // given item-2 co-visited with item-1 in both tenants, out of stock in shop-b's catalogue only
            f.catalog.pipeInput(TenantKeys.scope("shop-b", "item-2"), Item.newBuilder().setItemId("item-2")
                    .setTenantId("shop-b").setInStock(false).setAttributes(Map.of()).build());
            for (String tenant : List.of("shop-a", "shop-b")) {
                send(f, tenant, "user-0", "item-1", 1);
                send(f, tenant, "user-0", "item-2", 2);
            }
            f.publish();
            f.drainRecommendations();

            // when a user of each views item-1
            send(f, "shop-a", "user-9", "item-1", 3);
            send(f, "shop-b", "user-9", "item-1", 4);
            List<Recommendations> out = f.drainRecommendations();

            // then only shop-b leaves it out
            assertThat(ids(out.get(0))).contains("item-2");
            assertThat(ids(out.get(1))).doesNotContain("item-2");
        }
    }

    @Test
    void shouldDeadLetterBadTenantInputWithAReason() {
        try (TopologyFixture f = fixture(TenantRules.of(RecommendRules.DEFAULTS))) {
            // an id with the separator, a tenant id that is not a plain name, a tenant event keyed by the plain user
            f.send(tenantEvent("shop-a", "user|1", "item-1", 1));
            f.send(tenantEvent("shop a!", "user-1", "item-1", 2));
            UserEvent plainKey = tenantEvent("shop-a", "user-1", "item-1", 3);
            f.events.pipeInput(new TestRecord<>("user-1", plainKey, TopologyFixture.T0));

            assertThat(reason(f.dlq.readRecord())).isEqualTo(RejectReason.INVALID_TENANT.name());
            assertThat(reason(f.dlq.readRecord())).isEqualTo(RejectReason.INVALID_TENANT.name());
            assertThat(reason(f.dlq.readRecord())).isEqualTo(RejectReason.KEY_MISMATCH.name());
            assertThat(f.drainRecommendations()).as("nothing recommended from bad input").isEmpty();
            assertThat(f.history("shop-a|user-1")).isNull();
        }
    }

    private static TopologyFixture fixture(TenantRules rules) {
        return new TopologyFixture(TopologySettings.defaults().toBuilder().recommendK(10).build(), rules,
                new HeuristicRanker(), MicroBatching.NONE);
    }

    private static UserEvent tenantEvent(String tenant, String user, String item, int minute) {
        return UserEvent.newBuilder().setEventId(tenant + "-" + user + "-" + minute).setUserId(user).setItemId(item)
                .setType(EventType.VIEW).setTimestamp(TopologyFixture.T0.plus(MIN.multipliedBy(minute)).toEpochMilli())
                .setContext(Map.of()).setTenantId(tenant).build();
    }

    private static void send(TopologyFixture f, String tenant, String user, String item, int minute) {
        f.send(tenantEvent(tenant, user, item, minute));
    }

    private static List<String> ids(Recommendations r) {
        return r.getItems().stream().map(RecommendedItem::getItemId).toList();
    }

    private static List<String> itemsOf(History h) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < h.size(); i++) {
            out.add(h.itemId(i));
        }
        return out;
    }

    private static List<String> neighbourIds(ItemNeighbours n) {
        return n == null ? List.of() : n.getNeighbours().stream().map(NeighbourScore::getItemId).toList();
    }

    private static String reason(TestRecord<byte[], byte[]> dead) {
        return new String(dead.headers().lastHeader(DlqHeaders.REASON).value(), StandardCharsets.UTF_8);
    }
}
