package dev.streamrec.app.topology;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.filter.ExclusionPolicy;
import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import dev.streamrec.avro.internal.RecentRecommendations;
import dev.streamrec.avro.internal.TrendingEntry;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.topics.TenantKeys;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces exactly one {@link Recommendations} per valid event, in the user-partitioned task.
 *
 * <p>Candidates: the co-visitation neighbours of the user's {@code streamrec.recommend.seed-items}
 * most recent distinct items (a seed's weight is 1 / its recency rank; neighbour scores are decayed
 * to the event time), normalised so the best is 1, with reason {@code co-visited:<seed>} for the
 * seed that contributed most; plus the merged trending list, worth up to
 * {@code streamrec.recommend.trending-weight} (reason {@code trending} when the item is not
 * co-visited). The user's own items of {@code streamrec.recommend.exclude} ({@link ExclusionPolicy}: purchased,
 * or the whole history), the item of the triggering event and items the catalogue marks out of stock are
 * removed. Cold start: with no co-visited candidate, trending items of the catalogue category of the event's
 * item come first (reason {@code trending-in-category:<category>}), then overall trending. The
 * {@link Ranker} orders the rest and cuts to k × {@code streamrec.recommend.overfetch}; at most
 * {@code streamrec.recommend.max-per-category} items per category stay. The store keeps that longer list
 * (request-time filters cut it to k), the topic record its first k.
 *
 * <p>Neighbours, trending lists and the catalogue are read from global stores: every instance has
 * all of them, whichever partitions it owns. The list is also written to the user-recommendations
 * store for {@code GET /recommendations/{userId}}.
 *
 * <p>Micro-batching ({@link MicroBatching}, off when the size is 1, and used only while
 * {@link Ranker#batches()}: without a model each event is ranked on arrival): a reference to each valid
 * event is put in the changelogged {@value StreamrecTopology#SCORING_BUFFER_STORE} store under a
 * sequence number (and kept in memory, so a flush never scans the store), and the
 * buffer is ranked in one {@link Ranker#rankAll} call when it holds {@code size} events (from
 * {@code process}) or when its oldest event has waited {@code maxWait} (wall-clock punctuator). The
 * outputs, the user-recommendations puts and the buffer deletions happen in the task, so under
 * exactly-once they commit atomically with the input offsets: a crash either keeps an event in the
 * buffer (restored from the changelog, flushed after restart) or has its output committed, never
 * both, never neither. TOPOLOGY.md argues it in full.
 */
final class Recommender implements Processor<String, RecommendInput, String, Recommendations> {

    static final String TRENDING_REASON = "trending";
    /** Reason of a cold-start candidate: trending in the category of the item the user is looking at. */
    static final String CATEGORY_TRENDING_PREFIX = "trending-in-category:";
    static final String COVISITED_PREFIX = "co-visited:";

    private static final Logger LOG = LoggerFactory.getLogger(Recommender.class);
    /** Items remembered per user for the online hit rate. */
    private static final int MAX_RECENT_ITEMS = 200;

    private final TopologySettings settings;
    private final TenantRules rules;
    private final Ranker ranker;
    private final TopologyMetrics metrics;
    private final MicroBatching batching;
    private final Decay decay;
    private ProcessorContext<String, Recommendations> context;
    private KeyValueStore<String, UserHistory> histories;
    private KeyValueStore<String, Recommendations> latest;
    private KeyValueStore<String, RecentRecommendations> recent;
    private KeyValueStore<String, ValueAndTimestamp<ItemNeighbours>> neighbours;
    private KeyValueStore<String, ValueAndTimestamp<TrendingItems>> trending;
    private KeyValueStore<String, ValueAndTimestamp<Item>> catalog;
    private KeyValueStore<Long, PendingScore> buffer;
    /** What the buffer holds, in sequence order: kept in memory so a flush never scans the store (and its tombstones). */
    private final ArrayDeque<Map.Entry<Long, PendingScore>> pending = new ArrayDeque<>();
    private final List<Cancellable> punctuations = new ArrayList<>();
    private final UserExpiry expiry;
    private long nextSequence;
    private long oldestBufferedAt;

    Recommender(TopologySettings settings, TenantRules rules, Ranker ranker, TopologyMetrics metrics,
                MicroBatching batching) {
        this.settings = settings;
        this.rules = rules;
        this.ranker = ranker;
        this.metrics = metrics;
        this.batching = batching;
        this.decay = new Decay(settings.covisitHalfLife());
        this.expiry = new UserExpiry(settings);
    }

    @Override
    public void init(ProcessorContext<String, Recommendations> context) {
        // Kafka Streams re-initialises the same processor when it revives a task (e.g. after a
        // TaskCorruptedException wiped its state): start from the restored buffer alone, or events
        // still indexed from before would be ranked and emitted a second time.
        pending.clear();
        this.context = context;
        this.histories = context.getStateStore(StreamrecTopology.HISTORY_STORE);
        this.latest = context.getStateStore(StreamrecTopology.RECOMMENDATIONS_STORE);
        this.recent = context.getStateStore(StreamrecTopology.RECENT_RECOMMENDATIONS_STORE);
        this.neighbours = context.getStateStore(StreamrecTopology.NEIGHBOURS_GLOBAL_STORE);
        this.trending = context.getStateStore(StreamrecTopology.TRENDING_GLOBAL_STORE);
        this.catalog = context.getStateStore(StreamrecTopology.CATALOG_GLOBAL_STORE);
        if (batching.enabled()) {
            buffer = context.getStateStore(StreamrecTopology.SCORING_BUFFER_STORE);
            // Restored from the changelog before init: events buffered when the task last stopped.
            // The only full scan of the buffer; from here on the in-memory index knows its keys.
            try (KeyValueIterator<Long, PendingScore> it = buffer.all()) {
                while (it.hasNext()) {
                    KeyValue<Long, PendingScore> kv = it.next();
                    pending.add(Map.entry(kv.key, kv.value));
                    nextSequence = Math.max(nextSequence, kv.key + 1);
                }
            }
            oldestBufferedAt = pending.isEmpty() ? 0 : Long.MIN_VALUE; // restored events flush at the first punctuation
            if (!pending.isEmpty()) {
                LOG.info("task {}: {} buffered event(s) restored; ranking them at the first punctuation",
                        context.taskId(), pending.size());
            }
            punctuations.add(context.schedule(batching.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME,
                    this::punctuate));
        }
        punctuations.add(context.schedule(settings.userTtlSweepInterval(), PunctuationType.WALL_CLOCK_TIME,
                now -> expiry.sweep(context.currentStreamTimeMs(), histories, latest, recent)));
    }

    @Override
    public void process(Record<String, RecommendInput> record) {
        if (record.value() instanceof EraseUser erase) {
            erase(erase.userId(), record.timestamp());
            return;
        }
        ValidEvent valid = (ValidEvent) record.value();
        UserEvent event = valid.event();
        if (!batching.enabled() || !ranker.batches()) {
            // Nothing to gain from a batch (batch size 1, or a ranker without a model): rank now, no buffer
            // round trip. Anything still buffered goes first, so a task's outputs stay in arrival order.
            if (!pending.isEmpty()) {
                flush();
            }
            History history = valid.history();
            Map<String, Boolean> stock = new HashMap<>();
            List<Candidate> candidates = candidates(event, history, stock);
            Ranking ranking = ranker.rank(request(event, history, candidates, stock));
            emit(record.key(), event, candidates.size(), ranking, record.timestamp(), record);
            return;
        }
        // A reference (the event without its context, and the record time), not the history: the flush
        // reads the history from the store, as of this event.
        long sequence = nextSequence++;
        PendingScore entry = new PendingScore(PendingScore.reference(event), record.timestamp(), null);
        buffer.put(sequence, entry);
        pending.add(Map.entry(sequence, entry));
        if (pending.size() == 1) {
            oldestBufferedAt = context.currentSystemTimeMs();
        }
        if (pending.size() >= batching.size()) {
            flush();
        }
    }

    /**
     * Erases a user: the user's events still waiting in the scoring buffer (never ranked now), the
     * history, the latest and the recently shown lists. Store deletes, so each changelog gets a
     * tombstone in this task's transaction and a restore cannot bring the user back; a tombstone is
     * also sent to the recommendations topic for consumers that keep the latest list per user. The
     * user's next event starts a new history. Idempotent: erasing an unknown user deletes nothing.
     */
    private void erase(String userId, long timestamp) {
        if (batching.enabled() && !pending.isEmpty()) {
            pending.removeIf(e -> {
                boolean users = userId.equals(e.getValue().event().getUserId());
                if (users) {
                    buffer.delete(e.getKey());
                }
                return users;
            });
        }
        histories.delete(userId);
        latest.delete(userId);
        recent.delete(userId);
        context.forward(new Record<>(userId, null, timestamp));
        metrics.userErased();
        LOG.info("erased user state in task {} (user-deletions request)", context.taskId());
    }

    private void punctuate(long now) {
        if (!pending.isEmpty() && (oldestBufferedAt == Long.MIN_VALUE || now - oldestBufferedAt >= batching.maxWait().toMillis())) {
            flush();
        }
    }

    /** Ranks everything buffered in one {@link Ranker#rankAll} call, emits in buffer order, empties the buffer. */
    private void flush() {
        List<Map.Entry<Long, PendingScore>> batch = new ArrayList<>(pending);
        pending.clear();
        Map<String, History> current = new HashMap<>();
        Map<String, Boolean> stock = new HashMap<>(); // one catalogue lookup per item per batch
        List<RankingRequest> requests = new ArrayList<>(batch.size());
        List<Integer> candidateCounts = new ArrayList<>(batch.size());
        for (Map.Entry<Long, PendingScore> e : batch) {
            PendingScore p = e.getValue();
            History h = p.history() != null ? p.history()
                    : current.computeIfAbsent(p.event().getUserId(), u -> History.of(histories.get(u))).asOf(p.event());
            List<Candidate> candidates = candidates(p.event(), h, stock);
            candidateCounts.add(candidates.size());
            requests.add(request(p.event(), h, candidates, stock));
        }
        List<Ranking> rankings = rankAll(requests);
        for (int i = 0; i < batch.size(); i++) {
            PendingScore p = batch.get(i).getValue();
            emit(p.event().getUserId(), p.event(), candidateCounts.get(i), rankings.get(i), p.timestamp(), null);
            buffer.delete(batch.get(i).getKey());
        }
        oldestBufferedAt = 0;
    }

    /**
     * The batch in one call; if the ranker fails on the batch, each request alone, and a request
     * that still fails gets the heuristic ranking: a buffered event can't be dead-lettered (its
     * record context is gone), and it must not block the buffer.
     */
    private List<Ranking> rankAll(List<RankingRequest> requests) {
        try {
            List<Ranking> out = ranker.rankAll(requests);
            if (out.size() == requests.size()) {
                return out;
            }
            LOG.error("ranker returned {} rankings for {} requests; ranking them one by one", out.size(), requests.size());
        } catch (RuntimeException e) {
            LOG.error("ranking a batch of {} failed in task {}; ranking them one by one", requests.size(),
                    context.taskId(), e);
        }
        List<Ranking> out = new ArrayList<>(requests.size());
        for (RankingRequest r : requests) {
            try {
                out.add(ranker.rank(r));
            } catch (RuntimeException e) {
                LOG.error("ranking for user {} failed in task {}; heuristic ranking instead", r.userId(), context.taskId(), e);
                out.add(new HeuristicRanker().rank(r));
            }
        }
        return out;
    }

    private RankingRequest request(UserEvent event, History history, List<Candidate> candidates,
                                   Map<String, Boolean> stock) {
        // Over-fetched: the stored list keeps k × overfetch for request-time filters (the topic record keeps k).
        return new RankingRequest(event.getUserId(), history.actions(), candidates,
                settings.recommendK() * rules.forKey(event.getUserId()).overfetch(), event.getTimestamp(),
                rules.forKey(event.getUserId()).exclude().excluded(event, history),
                item -> inStock(item, stock));
    }

    private void emit(String key, UserEvent event, int candidateCount, Ranking ranking, long timestamp,
                      Record<String, RecommendInput> input) {
        List<RankedItem> ranked = rules.forKey(key).capPerCategory(ranking.items(), r -> category(r.itemId()));
        List<RecommendedItem> stored = new ArrayList<>(ranked.size());
        for (RankedItem r : ranked) {
            stored.add(new RecommendedItem(r.itemId(), r.score(), r.reason()));
        }
        long now = context.currentSystemTimeMs();
        // The store keeps the over-fetched list (request-time filters cut it); the topic record keeps k.
        latest.put(key, new Recommendations(event.getUserId(), now, ranking.modelVersion(), event.getEventId(), stored,
                ranking.experiment(), ranking.variant(), TenantKeys.tenantOf(key)));
        List<RecommendedItem> items = stored.size() > settings.recommendK()
                ? new ArrayList<>(stored.subList(0, settings.recommendK())) : stored;
        Recommendations recs = new Recommendations(event.getUserId(), now, ranking.modelVersion(), event.getEventId(), items,
                ranking.experiment(), ranking.variant(), TenantKeys.tenantOf(key));
        context.forward(input != null ? input.withValue(recs) : new Record<>(key, recs, timestamp));
        metrics.recommendationsOut(candidateCount, HeuristicRanker.VERSION.equals(ranking.modelVersion())
                ? TopologyMetrics.SOURCE_HEURISTIC : TopologyMetrics.SOURCE_MODEL);
        trackQuality(key, event, items, ranking);
    }

    /**
     * Online quality: was a click or purchase on an item recommended to this user within the quality
     * window (in event time, so replays and imports measure the same thing)? Then remembers this
     * list's items. Checked before the list the event itself triggers is added, so an event never
     * counts as a hit for its own recommendation.
     */
    private void trackQuality(String key, UserEvent event, List<RecommendedItem> items, Ranking ranking) {
        long now = event.getTimestamp();
        long window = settings.qualityWindow().toMillis();
        Map<Integer, Long> shown = RecentlyShown.decode(recent.get(key));
        metrics.seen(event.getItemId());
        if (event.getType() == EventType.CLICK || event.getType() == EventType.PURCHASE) {
            Long at = shown.get(event.getItemId().hashCode());
            boolean hit = at != null && now - at <= window;
            metrics.interaction(hit);
            if (ranking.inExperiment()) {
                // The user's variant is stable, so the lists the hit refers to came from it too.
                metrics.experimentInteraction(ranking.experiment(), ranking.variant(), hit);
            }
        }
        shown.values().removeIf(at -> now - at > window);
        List<String> ids = new ArrayList<>(items.size());
        for (RecommendedItem item : items) {
            shown.put(item.getItemId().hashCode(), now);
            ids.add(item.getItemId());
        }
        recent.put(key, RecentlyShown.encode(shown, MAX_RECENT_ITEMS)); // the newest: a bound on the store value
        metrics.emitted(ids, event.getTimestamp());
        if (ranking.inExperiment()) {
            metrics.experimentEmitted(ranking.experiment(), ranking.variant(), ids);
        }
    }

    @Override
    public void close() {
        punctuations.forEach(Cancellable::cancel);
        punctuations.clear();
        pending.clear();
    }

    List<Candidate> candidates(UserEvent event, History history, Map<String, Boolean> stock) {
        Set<String> excluded = rules.forKey(event.getUserId()).exclude().excluded(event, history);

        // Seeds: most recent distinct items first.
        Set<String> seeds = new LinkedHashSet<>();
        for (int i = history.size() - 1; i >= 0 && seeds.size() < settings.seedItems(); i--) {
            seeds.add(history.itemId(i));
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

        List<TrendingEntry> all = mergedTrending(TenantKeys.tenantOf(event.getUserId()));
        if (!all.isEmpty() && settings.trendingWeight() > 0) {
            double maxCount = all.getFirst().getCount();
            // Cold start: no co-visited candidate (no usable history), so the category the user is browsing
            // (of the event's item, from the catalogue) leads with its own trending items, ahead of the rest.
            String browsing = covisit.isEmpty() ? category(event.getItemId()) : null;
            if (browsing != null) {
                int taken = 0;
                for (int i = 0; i < all.size() && taken < settings.trendingTopN(); i++) {
                    String id = all.get(i).getItemId();
                    if (!excluded.contains(id) && browsing.equals(category(id))) {
                        taken++;
                        out.put(id, new Candidate(id, 1.0 + settings.trendingWeight() * all.get(i).getCount() / maxCount,
                                CATEGORY_TRENDING_PREFIX + browsing));
                    }
                }
            }
            List<TrendingEntry> trend = all.size() > settings.trendingTopN() ? all.subList(0, settings.trendingTopN()) : all;
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
            if (inStock(c.itemId(), stock)) {
                list.add(c);
            }
        }
        if (list.size() > settings.maxCandidates()) {
            list.sort(Comparator.comparingDouble(Candidate::heuristicScore).reversed().thenComparing(Candidate::itemId));
            list = new ArrayList<>(list.subList(0, settings.maxCandidates()));
        }
        return list;
    }

    /**
     * Every partition's trending list of the tenant merged, best first (uncut: cold start looks past the top n for
     * a category). Lists are per tenant ({@link TrendingCounter}), keyed {@code <tenant>|partition-<n>}.
     */
    private List<TrendingEntry> mergedTrending(String tenant) {
        List<TrendingEntry> all = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<TrendingItems>> it = trending.all()) {
            while (it.hasNext()) {
                KeyValue<String, ValueAndTimestamp<TrendingItems>> kv = it.next();
                if (kv.value != null && kv.value.value() != null && tenant.equals(TenantKeys.tenantOf(kv.key))) {
                    all.addAll(kv.value.value().getItems());
                }
            }
        }
        all.sort(Comparator.comparingLong(TrendingEntry::getCount).reversed().thenComparing(TrendingEntry::getItemId));
        return all;
    }

    /** The item's catalogue category, or null (no catalogue entry, or none set). */
    private String category(String itemId) {
        Item item = ValueAndTimestamp.getValueOrNull(catalog.get(itemId));
        return item == null ? null : item.getCategory();
    }

    /** Catalogue stock, looked up once per item per ranking (or batch) through {@code stock}. */
    private boolean inStock(String itemId, Map<String, Boolean> stock) {
        return stock.computeIfAbsent(itemId, id -> {
            Item item = ValueAndTimestamp.getValueOrNull(catalog.get(id));
            return item == null || item.getInStock() || !rules.forKey(id).excludeOutOfStock();
        });
    }
}
