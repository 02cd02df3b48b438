package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.HistoryEntry;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import dev.streamrec.avro.internal.TrendingEntry;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.avro.internal.UserHistory;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Produces exactly one {@link Recommendations} per valid event, in the user-partitioned task.
 *
 * <p>Candidates: the co-visitation neighbours of the user's {@code streamrec.recommend.seed-items}
 * most recent distinct items (a seed's weight is 1 / its recency rank; neighbour scores are decayed
 * to the event time), normalised so the best is 1, with reason {@code co-visited:<seed>} for the
 * seed that contributed most; plus the merged trending list, worth up to
 * {@code streamrec.recommend.trending-weight} (reason {@code trending} when the item is not
 * co-visited). Items the user purchased, the item of the triggering event and items the catalogue
 * marks out of stock are removed. The {@link Ranker} orders the rest and cuts to k.
 *
 * <p>Neighbours, trending lists and the catalogue are read from global stores: every instance has
 * all of them, whichever partitions it owns. The list is also written to the user-recommendations
 * store for {@code GET /recommendations/{userId}}.
 */
final class Recommender implements FixedKeyProcessor<String, ValidEvent, Recommendations> {

    static final String TRENDING_REASON = "trending";
    static final String COVISITED_PREFIX = "co-visited:";

    private final TopologySettings settings;
    private final Ranker ranker;
    private final TopologyMetrics metrics;
    private final Decay decay;
    private FixedKeyProcessorContext<String, Recommendations> context;
    private KeyValueStore<String, Recommendations> latest;
    private KeyValueStore<String, ValueAndTimestamp<ItemNeighbours>> neighbours;
    private KeyValueStore<String, ValueAndTimestamp<TrendingItems>> trending;
    private KeyValueStore<String, ValueAndTimestamp<Item>> catalog;

    Recommender(TopologySettings settings, Ranker ranker, TopologyMetrics metrics) {
        this.settings = settings;
        this.ranker = ranker;
        this.metrics = metrics;
        this.decay = new Decay(settings.covisitHalfLife());
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Recommendations> context) {
        this.context = context;
        this.latest = context.getStateStore(StreamrecTopology.RECOMMENDATIONS_STORE);
        this.neighbours = context.getStateStore(StreamrecTopology.NEIGHBOURS_GLOBAL_STORE);
        this.trending = context.getStateStore(StreamrecTopology.TRENDING_GLOBAL_STORE);
        this.catalog = context.getStateStore(StreamrecTopology.CATALOG_GLOBAL_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, ValidEvent> record) {
        UserEvent event = record.value().event();
        UserHistory history = record.value().history();
        List<Candidate> candidates = candidates(event, history);
        Ranking ranking = ranker.rank(new RankingRequest(event.getUserId(), actions(history), candidates,
                settings.recommendK(), event.getTimestamp()));
        List<RecommendedItem> items = new ArrayList<>(ranking.items().size());
        for (RankedItem r : ranking.items()) {
            items.add(new RecommendedItem(r.itemId(), r.score(), r.reason()));
        }
        Recommendations recs = new Recommendations(event.getUserId(), context.currentSystemTimeMs(),
                ranking.modelVersion(), event.getEventId(), items);
        latest.put(record.key(), recs);
        context.forward(record.withValue(recs));
        metrics.recommendationsOut(candidates.size());
    }

    List<Candidate> candidates(UserEvent event, UserHistory history) {
        Set<String> excluded = new HashSet<>(history.getPurchased());
        excluded.add(event.getItemId());

        // Seeds: most recent distinct items first.
        Set<String> seeds = new LinkedHashSet<>();
        List<HistoryEntry> events = history.getEvents();
        for (int i = events.size() - 1; i >= 0 && seeds.size() < settings.seedItems(); i--) {
            seeds.add(events.get(i).getItemId());
        }
        Map<String, Double> covisit = new HashMap<>();
        Map<String, String> bestSeed = new HashMap<>();
        Map<String, Double> bestContribution = new HashMap<>();
        int rank = 0;
        for (String seed : seeds) {
            double seedWeight = 1.0 / ++rank;
            ItemNeighbours nb = ValueAndTimestamp.getValueOrNull(neighbours.get(seed));
            if (nb == null) {
                continue;
            }
            double f = decay.factor(event.getTimestamp() - nb.getUpdatedAt());
            for (NeighbourScore n : nb.getNeighbours()) {
                String id = n.getItemId();
                if (excluded.contains(id)) {
                    continue;
                }
                double c = seedWeight * n.getScore() * f;
                covisit.merge(id, c, Double::sum);
                if (c > bestContribution.getOrDefault(id, -1.0)) {
                    bestContribution.put(id, c);
                    bestSeed.put(id, seed);
                }
            }
        }
        double maxCovisit = covisit.values().stream().mapToDouble(Double::doubleValue).max().orElse(1.0);
        Map<String, Candidate> out = new HashMap<>();
        covisit.forEach((id, s) -> out.put(id, new Candidate(id, s / maxCovisit, COVISITED_PREFIX + bestSeed.get(id))));

        List<TrendingEntry> trend = mergedTrending();
        if (!trend.isEmpty() && settings.trendingWeight() > 0) {
            double maxCount = trend.getFirst().getCount();
            for (TrendingEntry t : trend) {
                if (excluded.contains(t.getItemId())) {
                    continue;
                }
                double bonus = settings.trendingWeight() * t.getCount() / maxCount;
                out.merge(t.getItemId(), new Candidate(t.getItemId(), bonus, TRENDING_REASON),
                        (co, tr) -> new Candidate(co.itemId(), co.heuristicScore() + tr.heuristicScore(), co.reason()));
            }
        }
        List<Candidate> list = new ArrayList<>(out.size());
        for (Candidate c : out.values()) {
            if (inStock(c.itemId())) {
                list.add(c);
            }
        }
        if (list.size() > settings.maxCandidates()) {
            list.sort(Comparator.comparingDouble(Candidate::heuristicScore).reversed().thenComparing(Candidate::itemId));
            list = new ArrayList<>(list.subList(0, settings.maxCandidates()));
        }
        return list;
    }

    /** Every partition's trending list merged, best first, cut to {@code streamrec.trending.top-n}. */
    private List<TrendingEntry> mergedTrending() {
        List<TrendingEntry> all = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<TrendingItems>> it = trending.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValueAndTimestamp<TrendingItems>> kv = it.next();
                if (kv.value != null && kv.value.value() != null) {
                    all.addAll(kv.value.value().getItems());
                }
            }
        }
        all.sort(Comparator.comparingLong(TrendingEntry::getCount).reversed().thenComparing(TrendingEntry::getItemId));
        return all.size() > settings.trendingTopN() ? all.subList(0, settings.trendingTopN()) : all;
    }

    private boolean inStock(String itemId) {
        Item item = ValueAndTimestamp.getValueOrNull(catalog.get(itemId));
        return item == null || item.getInStock();
    }

    private static List<UserAction> actions(UserHistory history) {
        List<UserAction> out = new ArrayList<>(history.getEvents().size());
        for (HistoryEntry h : history.getEvents()) {
            out.add(new UserAction(h.getEventId(), h.getItemId(), EventType.valueOf(h.getType()), h.getTimestamp()));
        }
        return out;
    }
}
