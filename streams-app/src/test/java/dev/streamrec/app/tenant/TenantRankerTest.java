package dev.streamrec.app.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.topology.Candidate;
import dev.streamrec.app.topology.RankedItem;
import dev.streamrec.app.topology.Ranker;
import dev.streamrec.app.topology.Ranking;
import dev.streamrec.app.topology.RankingRequest;
import dev.streamrec.app.topology.History;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.onnx.HistoryEvent;
import org.junit.jupiter.api.Test;

/** Routing by tenant, and a tenant's ranker seeing plain item ids while the topology gets scoped ones back. */
class TenantRankerTest {

    /** Ranks the candidates in order, remembering what it was asked. */
    private static class Recording implements Ranker {
        final String version;
        final List<RankingRequest> seen = new ArrayList<>();

        Recording(String version) {
            this.version = version;
        }

        @Override
        public Ranking rank(RankingRequest r) {
            seen.add(r);
            List<RankedItem> items = new ArrayList<>();
            for (Candidate c : r.candidates()) {
                if (!r.excluded().contains(c.itemId()) && r.available().test(c.itemId())) {
                    items.add(new RankedItem(c.itemId(), c.heuristicScore(), c.reason()));
                }
            }
            return new Ranking(version, items);
        }
    }

    @Test
    void shouldRankEachTenantWithItsOwnRankerOnPlainIds() {
        // given a default ranker, shop-b's own ranker, and a ranker for tenants without one
        Recording plain = new Recording("default-model");
        Recording shopB = new Recording("shop-b-model");
        Recording others = new Recording("heuristic");
        TenantRanker ranker = new TenantRanker(plain, Map.of("shop-b", shopB), others);

        // when a batch mixes the default tenant, shop-b and shop-c (shop-b's item-2 out of stock, item-3 excluded)
        List<Ranking> out = ranker.rankAll(List.of(
                request("u-1", "item-1", Set.of(), id -> true),
                request("shop-b|u-1", "shop-b|item-1", Set.of("shop-b|item-3"), id -> !id.equals("shop-b|item-2")),
                request("shop-c|u-1", "shop-c|item-1", Set.of(), id -> true)));

        // then each went to its tenant's ranker, in order
        assertThat(out).extracting(Ranking::modelVersion).containsExactly("default-model", "shop-b-model", "heuristic");
        // and shop-b's ranker saw plain ids, with exclusions and stock translated
        RankingRequest seen = shopB.seen.getFirst();
        assertThat(seen.userId()).as("user stays scoped (assignment hashes it)").isEqualTo("shop-b|u-1");
        assertThat(seen.history().events()).extracting(HistoryEvent::itemId).containsExactly("item-1");
        assertThat(seen.candidates()).extracting(Candidate::itemId).containsExactly("item-2", "item-3", "item-4");
        // and the answer is scoped again, without the out-of-stock and excluded items
        assertThat(out.get(1).items()).extracting(RankedItem::itemId).containsExactly("shop-b|item-4");
        assertThat(out.get(0).items()).extracting(RankedItem::itemId).containsExactly("item-2", "item-3", "item-4");
        assertThat(plain.seen.getFirst().candidates()).extracting(Candidate::itemId)
                .as("the default tenant's request is passed as is").containsExactly("item-2", "item-3", "item-4");
    }

    /** A ranker with experiments: remembers the ones applied to it. */
    private static final class Planned extends Recording implements dev.streamrec.app.experiment.ExperimentPlan {
        List<Experiment> applied = List.of();

        Planned(String version) {
            super(version);
        }

        @Override
        public void apply(java.util.Collection<Experiment> defined) {
            applied = List.copyOf(defined);
        }

        @Override
        public List<Experiment> live() {
            return applied;
        }
    }

    @Test
    void shouldHandEachExperimentToItsTenantsRankerAndIgnoreTenantsWithoutOne() {
        Planned plain = new Planned("default-model");
        Planned shopB = new Planned("shop-b-model");
        TenantRanker ranker = new TenantRanker(plain, Map.of("shop-b", shopB), new Recording("heuristic"));

        ranker.apply(List.of(experiment("home", "default"), experiment("b-test", "shop-b"), experiment("c-test", "shop-c")));

        assertThat(plain.applied).extracting(Experiment::getName).containsExactly("home");
        assertThat(shopB.applied).extracting(Experiment::getName).containsExactly("b-test");
        assertThat(ranker.live()).extracting(Experiment::getName).as("shop-c has no model: ignored")
                .containsExactly("b-test", "home");
    }

    private static Experiment experiment(String name, String tenant) {
        return Experiment.newBuilder().setName(name).setSalt(name).setVariants(List.of()).setTenantId(tenant).build();
    }

    private static RankingRequest request(String user, String seed, Set<String> excluded,
                                          java.util.function.Predicate<String> available) {
        String prefix = seed.substring(0, seed.length() - "item-1".length());
        List<Candidate> candidates = List.of(new Candidate(prefix + "item-2", 0.9, "co-visited:" + seed),
                new Candidate(prefix + "item-3", 0.8, "trending"), new Candidate(prefix + "item-4", 0.7, "trending"));
        UserEvent event = UserEvent.newBuilder().setEventId("e-1").setUserId(user).setItemId(seed)
                .setType(EventType.VIEW).setTimestamp(1L).build();
        return new RankingRequest(user, History.EMPTY.append(event, 50, 50), candidates, 10, 1L, excluded,
                available);
    }
}
