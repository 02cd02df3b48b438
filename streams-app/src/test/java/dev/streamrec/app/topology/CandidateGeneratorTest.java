package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import dev.streamrec.avro.internal.TrendingEntry;
import dev.streamrec.avro.internal.TrendingItems;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;

/** The candidates of one event, computed by hand from a few published neighbour lists. */
class CandidateGeneratorTest {

    private static final long NOW = 1_000_000L;

    private static UserEvent view(String item, long t) {
        return UserEvent.newBuilder().setEventId("00000000-0000-0000-0000-" + t).setUserId("u").setItemId(item)
                .setType(EventType.VIEW).setTimestamp(t).setContext(Map.of()).build();
    }

    /** Lists published as of {@link #NOW}, so no decay applies to an event at that time. */
    private static ItemNeighbours list(String item, Object... idsAndScores) {
        List<NeighbourScore> n = new ArrayList<>();
        for (int i = 0; i < idsAndScores.length; i += 2) {
            n.add(new NeighbourScore((String) idsAndScores[i], ((Number) idsAndScores[i + 1]).doubleValue()));
        }
        return new ItemNeighbours(item, NOW, n);
    }

    /** A read-only store over a map: the generator only reads neighbour lists with {@code get}. */
    @SuppressWarnings("unchecked")
    private static <V> KeyValueStore<String, ValueAndTimestamp<V>> store(Map<String, V> values) {
        return (KeyValueStore<String, ValueAndTimestamp<V>>) Proxy.newProxyInstance(
                CandidateGeneratorTest.class.getClassLoader(), new Class<?>[] {KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("get")) {
                        V v = values.get((String) args[0]);
                        return v == null ? null : ValueAndTimestamp.make(v, NOW);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private static CandidateGenerator generator(TopologySettings settings, Map<String, ItemNeighbours> lists) {
        return new CandidateGenerator(settings, store(lists), new GlobalCache<>(100), new ItemIds(1_000), store(Map.<String, TrendingItems>of()));
    }

    private static Map<String, Candidate> byId(List<Candidate> list) {
        Map<String, Candidate> out = new HashMap<>();
        list.forEach(c -> out.put(c.itemId(), c));
        return out;
    }

    @Test
    void coVisitScoresAddUpOverSeedsByRecencyAndTrendingAddsItsBonusKeepingTheCoVisitReason() {
        // history a then b: seeds b (weight 1) then a (1/2)
        History h = History.EMPTY.append(view("a", NOW - 2), 50, 50).append(view("b", NOW - 1), 50, 50);
        Map<String, ItemNeighbours> lists = Map.of(
                "b", list("b", "x", 4, "y", 1, "a", 9),
                "a", list("a", "x", 2, "z", 6, "b", 5));
        List<TrendingEntry> trending = List.of(new TrendingEntry("t", 10L), new TrendingEntry("y", 5L));

        List<Candidate> list = generator(TopologySettings.defaults(), lists)
                .candidates(view("b", NOW), h, Set.of("a", "b"), null, trending, 0L);
        Map<String, Candidate> c = byId(list);

        // x: 4 (from b) + 2/2 (from a) = 5, the best; z: 6/2 = 3; y: 1; all over 5. Trending (weight 0.3): t 0.3, y 0.15
        assertThat(c).containsOnlyKeys("x", "z", "y", "t");
        assertThat(c.get("x").heuristicScore()).isCloseTo(1.0, within(1e-9));
        assertThat(c.get("x").reason()).isEqualTo("co-visited:b"); // b gave 4, a gave 1
        assertThat(c.get("z").heuristicScore()).isCloseTo(0.6, within(1e-9));
        assertThat(c.get("z").reason()).isEqualTo("co-visited:a");
        assertThat(c.get("y").heuristicScore()).isCloseTo(0.2 + 0.15, within(1e-9));
        assertThat(c.get("y").reason()).isEqualTo("co-visited:b");
        assertThat(c.get("t").heuristicScore()).isCloseTo(0.3, within(1e-9));
        assertThat(c.get("t").reason()).isEqualTo(CandidateGenerator.TRENDING_REASON);
    }

    @Test
    void moreCandidatesThanTheCapKeepTheBestScoresWithTiesToTheSmallerId() {
        History h = History.EMPTY.append(view("s", NOW - 1), 50, 50);
        Object[] neighbours = new Object[2 * 60];
        for (int i = 0; i < 60; i++) {
            neighbours[2 * i] = String.format("n%02d", i);
            neighbours[2 * i + 1] = i < 10 ? 100 : 60 - i; // n00-n09 tie at the top; then 50, 49, ... 1
        }
        TopologySettings s = TopologySettings.defaults().toBuilder().maxCandidates(12).build();

        List<Candidate> list = generator(s, Map.of("s", list("s", neighbours)))
                .candidates(view("s", NOW), h, Set.of("s"), null, List.of(), 0L);

        // (in no particular order: the rankers order what they serve)
        assertThat(list).extracting(Candidate::itemId).containsExactlyInAnyOrder(
                "n00", "n01", "n02", "n03", "n04", "n05", "n06", "n07", "n08", "n09", "n10", "n11");
        assertThat(list).filteredOn(c -> c.itemId().equals("n10")).singleElement()
                .satisfies(c -> assertThat(c.heuristicScore()).isCloseTo(0.5, within(1e-9)));
    }

    @Test
    void oneGeneratorReusedForManyEventsGivesEveryEventTheSumsComputedAfresh() {
        // given 40 items' lists of 300 neighbours each over 3,000 ids (thousands of candidates an event: the
        // reused table must grow) and a cap above that, so every candidate is compared
        java.util.SplittableRandom random = new java.util.SplittableRandom(11);
        Map<String, ItemNeighbours> lists = new HashMap<>();
        for (int item = 0; item < 40; item++) {
            Object[] n = new Object[2 * 300];
            for (int i = 0; i < 300; i++) {
                n[2 * i] = "i" + random.nextInt(3_000);
                n[2 * i + 1] = 1 + random.nextInt(1_000);
            }
            lists.put("s" + item, list("s" + item, n));
        }
        TopologySettings s = TopologySettings.defaults().toBuilder().maxCandidates(100_000).build();
        CandidateGenerator reused = generator(s, lists);

        for (int event = 0; event < 12; event++) {
            // when an event's user has 12 random items (the latest settings.seedItems() of them are the seeds)
            History h = History.EMPTY;
            for (int j = 0; j < 12; j++) {
                h = h.append(view("s" + random.nextInt(40), NOW - 20 + j), 50, 50);
            }
            // and 40 excluded ids (equal to the lists' ids, other String instances), many of them among the neighbours
            Set<String> excluded = new java.util.HashSet<>();
            while (excluded.size() < 40) {
                excluded.add("i" + random.nextInt(3_000));
            }
            Map<String, Candidate> got = byId(reused.candidates(view("s0", NOW), h, excluded, null, List.of(), 0L));

            // then the candidates are the plain sums over the seeds (weight 1 / recency rank), over the best sum
            java.util.LinkedHashSet<String> seeds = new java.util.LinkedHashSet<>();
            for (int i = h.size() - 1; i >= 0 && seeds.size() < s.seedItems(); i--) {
                seeds.add(h.itemId(i));
            }
            Map<String, Double> sum = new HashMap<>();
            Map<String, Double> best = new HashMap<>();
            Map<String, String> reason = new HashMap<>();
            int rank = 0;
            for (String seed : seeds) {
                double w = 1.0 / ++rank;
                for (NeighbourScore n : lists.get(seed).getNeighbours()) {
                    if (!excluded.contains(n.getItemId())) {
                        double c = w * n.getScore();
                        sum.merge(n.getItemId(), c, Double::sum);
                        if (c > best.getOrDefault(n.getItemId(), -1.0)) {
                            best.put(n.getItemId(), c);
                            reason.put(n.getItemId(), "co-visited:" + seed);
                        }
                    }
                }
            }
            double max = sum.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            assertThat(got).as("event %d", event).hasSize(sum.size()).hasSizeGreaterThan(600);
            sum.forEach((id, v) -> {
                assertThat(got.get(id).heuristicScore()).as(id).isCloseTo(v / max, within(1e-9));
                assertThat(got.get(id).reason()).as(id).isEqualTo(reason.get(id));
            });
        }
    }

    @Test
    void theExclusionFilterHasEveryExcludedItemAndFewOthers() {
        Set<String> excluded = new java.util.HashSet<>();
        for (int i = 0; i < 50; i++) {
            excluded.add("item-" + (i * 37));
        }
        CandidateGenerator.HashFilter filter = new CandidateGenerator.HashFilter();
        filter.reset(excluded);
        excluded.forEach(id -> assertThat(filter.mightContain(new String(id).hashCode())).as(id).isTrue());
        long others = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "other-" + i)
                .filter(id -> filter.mightContain(id.hashCode())).count();
        assertThat(others).as("of 10,000 other ids, with 50 excluded in 1,024 bits").isLessThan(1_000);

        filter.reset(Set.of("x"));
        assertThat(filter.mightContain("item-37".hashCode())).as("bits of the previous set cleared").isFalse();
    }

    @Test
    void aCandidateWhoseReasonIsBuiltLateEqualsOneGivenItsReason() {
        Candidate late = Candidate.coVisited("x", 0.5, "a");
        Candidate eager = new Candidate("x", 0.5, "co-visited:a");

        assertThat(late).isEqualTo(eager).hasSameHashCodeAs(eager).hasToString(eager.toString());
        assertThat(late.withItemId("y").reason()).isEqualTo("co-visited:a");
        assertThat(late.reason()).isSameAs(late.reason()); // built once
    }
}
