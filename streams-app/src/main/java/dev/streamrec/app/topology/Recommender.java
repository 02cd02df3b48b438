package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.filter.ExclusionPolicy;
import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.avro.internal.TrendingEntry;
import dev.streamrec.avro.internal.UserHistory;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces exactly one {@link Recommendations} per valid event, in the user-partitioned task, and
 * erases users on request. It wires the parts together:
 * <ul>
 *   <li>{@link CandidateGenerator}: co-visitation and trending candidates from the global stores;</li>
 *   <li>{@link ExclusionPolicy}: the user's items never recommended, computed once per event and shared
 *       by candidate generation and the ranker;</li>
 *   <li>{@link CatalogView}: stock and categories, one catalogue lookup per item per ranking or batch;</li>
 *   <li>the {@link Ranker} (per event), or {@link ScoringBuffer} + {@link FallbackRanker} (micro-batches);</li>
 *   <li>{@link QualityTracker}: the online hit rate.</li>
 * </ul>
 * The {@link Ranker} orders the candidates and cuts to k × {@code streamrec.recommend.overfetch}; at most
 * {@code streamrec.recommend.max-per-category} items per category stay. The user-recommendations store
 * keeps that longer list (request-time filters cut it to k), the topic record its first k.
 *
 * <p>Micro-batching ({@link MicroBatching}, off when the size is 1, and used only while
 * {@link Ranker#batches()}: without a model each event is ranked on arrival): each valid event is put in
 * the {@link ScoringBuffer} and the buffer is ranked in one {@link Ranker#rankAll} call when it holds
 * {@code size} events (from {@code process}) or when its oldest event has waited {@code maxWait}
 * (wall-clock punctuator). The outputs, the user-recommendations puts and the buffer deletions happen in
 * the task, so under exactly-once they commit atomically with the input offsets: a crash either keeps
 * an event in the buffer (restored from the changelog, flushed after restart) or has its output
 * committed, never both, never neither. TOPOLOGY.md argues it in full.
 */
final class Recommender implements Processor<String, RecommendInput, String, Recommendations> {

    private static final Logger LOG = LoggerFactory.getLogger(Recommender.class);

    private final TopologySettings settings;
    private final TenantRules rules;
    private final Ranker ranker;
    private final FallbackRanker batchRanker;
    private final TopologyMetrics metrics;
    private final MicroBatching batching;
    private final UserExpiry expiry;
    private final GlobalCaches caches;
    private final List<Cancellable> punctuations = new ArrayList<>();
    private ProcessorContext<String, Recommendations> context;
    private KeyValueStore<String, UserHistory> histories;
    private KeyValueStore<String, Recommendations> latest;
    private KeyValueStore<String, ValueAndTimestamp<Item>> catalog;
    private CandidateGenerator generator;
    private QualityTracker quality;
    /** Null unless micro-batching is on. */
    private ScoringBuffer buffer;

    Recommender(TopologySettings settings, TenantRules rules, Ranker ranker, TopologyMetrics metrics,
                MicroBatching batching, GlobalCaches caches) {
        this.caches = caches;
        this.settings = settings;
        this.rules = rules;
        this.ranker = ranker;
        this.batchRanker = new FallbackRanker(ranker);
        this.metrics = metrics;
        this.batching = batching;
        this.expiry = new UserExpiry(settings);
    }

    @Override
    public void init(ProcessorContext<String, Recommendations> context) {
        this.context = context;
        this.histories = context.getStateStore(StreamrecTopology.HISTORY_STORE);
        this.latest = context.getStateStore(StreamrecTopology.RECOMMENDATIONS_STORE);
        this.catalog = context.getStateStore(StreamrecTopology.CATALOG_GLOBAL_STORE);
        this.generator = new CandidateGenerator(settings, context.getStateStore(StreamrecTopology.NEIGHBOURS_GLOBAL_STORE),
                caches.neighbours(), caches.ids(),
                context.getStateStore(StreamrecTopology.TRENDING_GLOBAL_STORE));
        // A metric's memory on the heap: a task that is (re)initialised starts it afresh.
        this.quality = new QualityTracker(settings, metrics);
        if (batching.enabled()) {
            // Kafka Streams re-initialises the same processor when it revives a task (e.g. after a
            // TaskCorruptedException wiped its state): a new buffer indexes the restored store alone, or
            // events still indexed from before would be ranked and emitted a second time.
            buffer = new ScoringBuffer(context.getStateStore(StreamrecTopology.SCORING_BUFFER_STORE));
            if (!buffer.isEmpty()) {
                LOG.info("task {}: {} buffered event(s) restored; ranking them at the first punctuation",
                        context.taskId(), buffer.size());
            }
            punctuations.add(context.schedule(batching.punctuationInterval(), PunctuationType.WALL_CLOCK_TIME,
                    now -> {
                        if (buffer.due(now, batching.maxWait())) {
                            flush();
                        }
                    }));
        }
        punctuations.add(context.schedule(settings.userTtlSweepInterval(), PunctuationType.WALL_CLOCK_TIME,
                now -> expiry.sweep(context.currentStreamTimeMs(), histories, latest)));
    }

    @Override
    public void process(Record<String, RecommendInput> record) {
        if (record.value() instanceof EraseUser erase) {
            erase(erase.userId(), record.timestamp());
            return;
        }
        ValidEvent valid = (ValidEvent) record.value();
        UserEvent event = valid.event();
        if (buffer == null || !ranker.batches()) {
            // Nothing to gain from a batch (batch size 1, or a ranker without a model): rank now, no buffer
            // round trip. Anything still buffered goes first, so a task's outputs stay in arrival order.
            if (buffer != null && !buffer.isEmpty()) {
                flush();
            }
            CatalogView view = new CatalogView(catalog, caches.catalog(), rules);
            long now = context.currentSystemTimeMs();
            RankingRequest request = request(event, valid.history(), view, generator.trending(TenantKeys.tenantOf(event.getUserId()), now), now);
            emit(record.key(), event, request, ranker.rank(request), view, record.timestamp(), record);
            metrics.catalogueLookups(1, view.lookups());
            return;
        }
        // The store keeps a reference (the event without its context, and the record time); the history
        // the event arrived with stays in memory for the flush.
        buffer.add(new PendingScore(PendingScore.reference(event), record.timestamp(), valid.history()),
                context.currentSystemTimeMs());
        if (buffer.size() >= batching.size()) {
            flush();
        }
    }

    /**
     * Erases a user: the user's events still waiting in the scoring buffer (never ranked now), the
     * history, the latest and the recently shown lists. Store deletes, so each changelog gets a
     * tombstone in this task's transaction and a restore cannot bring the user back (the recently shown list
     * is on the heap, forgotten at once); a tombstone is
     * also sent to the recommendations topic for consumers that keep the latest list per user. The
     * user's next event starts a new history. Idempotent: erasing an unknown user deletes nothing.
     */
    private void erase(String userId, long timestamp) {
        if (buffer != null) {
            buffer.removeUser(userId);
        }
        histories.delete(userId);
        latest.delete(userId);
        quality.forget(userId);
        context.forward(new Record<>(userId, null, timestamp));
        metrics.userErased();
        LOG.info("erased user state in task {} (user-deletions request)", context.taskId());
    }

    /** Ranks everything buffered in one {@link Ranker#rankAll} call, emits in buffer order, empties the buffer. */
    private void flush() {
        List<Map.Entry<Long, PendingScore>> batch = buffer.takeAll();
        Map<String, History> current = new HashMap<>(); // only for entries restored without their history
        CatalogView view = new CatalogView(catalog, caches.catalog(), rules);
        long now = context.currentSystemTimeMs();
        List<RankingRequest> requests = new ArrayList<>(batch.size());
        for (Map.Entry<Long, PendingScore> e : batch) {
            PendingScore p = e.getValue();
            History h = p.history() != null ? p.history()
                    : current.computeIfAbsent(p.event().getUserId(), u -> History.of(histories.get(u))).asOf(p.event());
            requests.add(request(p.event(), h, view,
                    generator.trending(TenantKeys.tenantOf(p.event().getUserId()), now), now));
        }
        List<Ranking> rankings = batchRanker.rankAll(requests, context.taskId());
        for (int i = 0; i < batch.size(); i++) {
            PendingScore p = batch.get(i).getValue();
            emit(p.event().getUserId(), p.event(), requests.get(i), rankings.get(i), view, p.timestamp(), null);
            buffer.done(batch.get(i).getKey());
        }
        metrics.catalogueLookups(batch.size(), view.lookups());
    }

    /** The ranker's input for one event: candidates and the exclusion set, computed once, over the one history. */
    private RankingRequest request(UserEvent event, History history, CatalogView view, List<TrendingEntry> trend,
                                   long now) {
        Set<String> excluded = rules.forKey(event.getUserId()).exclude().excluded(event, history);
        List<Candidate> candidates = generator.candidates(event, history, excluded, view, trend, now);
        // Over-fetched: the stored list keeps k × overfetch for request-time filters (the topic record keeps k).
        return new RankingRequest(event.getUserId(), history, candidates, settings.recommendK() * rules.forKey(event.getUserId()).overfetch(),
                event.getTimestamp(), excluded, view::inStock);
    }

    private void emit(String key, UserEvent event, RankingRequest request, Ranking ranking, CatalogView view,
                      long timestamp, Record<String, RecommendInput> input) {
        List<RankedItem> ranked = rules.forKey(key).capPerCategory(ranking.items(), r -> view.category(r.itemId()));
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
        metrics.recommendationsOut(request.candidates().size(), HeuristicRanker.VERSION.equals(ranking.modelVersion())
                ? TopologyMetrics.SOURCE_HEURISTIC : TopologyMetrics.SOURCE_MODEL);
        quality.track(key, event, items, ranking);
    }

    @Override
    public void close() {
        punctuations.forEach(Cancellable::cancel);
        punctuations.clear();
        if (buffer != null) {
            buffer.clear();
        }
    }
}
