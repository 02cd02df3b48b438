package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.TrendingEntry;
import dev.streamrec.avro.internal.TrendingItems;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Candidate generation for one event, from the global stores: the co-visitation neighbours of the
 * user's {@code streamrec.recommend.seed-items} most recent distinct items (a seed's weight is 1 / its
 * recency rank; neighbour scores decayed to the event time), normalised so the best is 1, with reason
 * {@code co-visited:<seed>} for the seed that contributed most; plus the merged trending list, worth up
 * to {@code streamrec.recommend.trending-weight} (reason {@code trending} when not co-visited). Cold
 * start (no co-visited candidate): trending items of the catalogue category of the event's item come
 * first ({@code trending-in-category:<category>}). Excluded items are left out; at most
 * {@code streamrec.recommend.max-candidates} stay, best heuristic score first. Stock is not checked here:
 * a candidate list holds 200+ items of which about k are served, so the rankers check stock lazily while
 * they walk their ranked list ({@link RankingRequest#available()}), about k catalogue lookups per event
 * instead of one per candidate (30% of the stream thread at steady state, issue 11).
 */
final class CandidateGenerator {

    static final String TRENDING_REASON = "trending";
    /** Reason of a cold-start candidate: trending in the category of the item the user is looking at. */
    static final String CATEGORY_TRENDING_PREFIX = "trending-in-category:";
    static final String COVISITED_PREFIX = "co-visited:";

    private final TopologySettings settings;
    private final Decay decay;
    private final KeyValueStore<String, ValueAndTimestamp<ItemNeighbours>> neighbours;
    private final KeyValueStore<String, ValueAndTimestamp<TrendingItems>> trending;
    /**
     * Longest reuse of a trending read, wall clock: a tenth of the default publish interval (the trending
     * store changes once per {@code publish-interval} per partition), and never more than half the
     * configured interval.
     */
    static final long MAX_REUSE_MS = 100;
    /** Trending reads kept per task, at most (one per tenant). */
    static final int READS_KEPT = 4_096;

    /** Merged trending lists per tenant (a handful: the tenants this task's users belong to). */
    private final RecentReads<List<TrendingEntry>> trendingReads;
    /** Decoded neighbour lists of the instance, invalidated by the global store's writer (hot items are seeds for many events). */
    private final GlobalCache<NeighbourList> neighbourReads;
    /** The ids of the cached lists, one String each ({@link NeighbourList}). */
    private final ItemIds ids;
    /** Scratch space of {@link #candidates}, reused for every event of the task. */
    private final AccTable table = new AccTable();
    private final HashFilter excludedHashes = new HashFilter();
    private final String[] seedBuffer;

    CandidateGenerator(TopologySettings settings, KeyValueStore<String, ValueAndTimestamp<ItemNeighbours>> neighbours,
                       GlobalCache<NeighbourList> neighbourCache, ItemIds ids,
                       KeyValueStore<String, ValueAndTimestamp<TrendingItems>> trending) {
        this.settings = settings;
        this.decay = new Decay(settings.covisitHalfLife());
        this.neighbours = neighbours;
        this.trending = trending;
        this.trendingReads = new RecentReads<>(Math.min(MAX_REUSE_MS, settings.trendingPublishInterval().toMillis() / 2),
                READS_KEPT);
        this.neighbourReads = neighbourCache;
        this.ids = ids;
        this.seedBuffer = new String[settings.seedItems()];
    }

    /** Where {@code id} is among the first {@code n} of {@code ids} (by reference first), or -1. */
    private static int indexOf(String[] ids, int n, String id) {
        for (int i = 0; i < n; i++) {
            if (ids[i] == id || ids[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The candidates of one event: at most {@code maxCandidates}, the best by heuristic score (ties to the smaller
     * id), in no particular order.
     *
     * @param excluded  the user's items never to recommend ({@code ExclusionPolicy}, computed once per event)
     * @param trendList {@link #trending(String, long)}, read once per ranking or batch
     * @param now       the task's wall-clock time ({@code ProcessorContext#currentSystemTimeMs})
     */
    List<Candidate> candidates(UserEvent event, History history, Set<String> excluded, CatalogView catalog,
                               List<TrendingEntry> trendList, long now) {
        // Seeds: most recent distinct items first. A linear scan of at most seed-items ids, not a hash set: the
        // history's ids are freshly decoded Strings, so hashing them cost 3% of the stream threads (session 23).
        String[] seeds = seedBuffer;
        int seedCount = 0;
        for (int i = history.size() - 1; i >= 0 && seedCount < seeds.length; i--) {
            String id = history.itemId(i);
            if (indexOf(seeds, seedCount, id) < 0) {
                seeds[seedCount++] = id;
            }
        }
        // One mutable entry per candidate in a table the generator reuses for every event: up to seeds x top-m
        // neighbours go through here per event (28% of the stream thread's CPU with top-m 50 when this was three maps
        // of boxed doubles; then a fresh map, fresh entries and every candidate's reason string were a quarter of
        // the stream thread's allocation, BENCHMARKS.md issue 11, "Allocation per event").
        AccTable byId = table;
        byId.clear();
        HashFilter mayBeExcluded = excludedHashes;
        mayBeExcluded.reset(excluded);
        double maxCovisit = 0;
        int rank = 0;
        for (int s = 0; s < seedCount; s++) {
            String seed = seeds[s];
            double seedWeight = 1.0 / ++rank;
            NeighbourList nb = neighbours(seed);
            if (nb == null) {
                continue;
            }
            double f = decay.factor(event.getTimestamp() - nb.updatedAt());
            String[] nbIds = nb.ids();
            int[] nbHashes = nb.hashes();
            double[] nbScores = nb.scores();
            for (int j = 0; j < nbIds.length; j++) {
                String id = nbIds[j];
                int hash = nbHashes[j];
                if (mayBeExcluded.mightContain(hash) && excluded.contains(id)) {
                    continue;
                }
                double c = seedWeight * nbScores[j] * f;
                Acc a = byId.getOrAdd(id, hash);
                a.score += c;
                if (c > a.bestContribution) {
                    a.bestContribution = c;
                    a.seed = seed;
                }
                maxCovisit = Math.max(maxCovisit, a.score);
            }
        }
        int covisitedCount = byId.size();
        boolean covisited = covisitedCount > 0;
        for (int i = 0; i < covisitedCount; i++) {
            byId.at(i).score /= maxCovisit;
        }

        if (!trendList.isEmpty() && settings.trendingWeight() > 0) {
            double maxCount = trendList.getFirst().getCount();
            // Cold start: no co-visited candidate (no usable history), so the category the user is browsing
            // (of the event's item, from the catalogue) leads with its own trending items, ahead of the rest.
            String browsing = covisited ? null : catalog.category(event.getItemId());
            if (browsing != null) {
                int taken = 0;
                for (int i = 0; i < trendList.size() && taken < settings.trendingTopN(); i++) {
                    String id = trendList.get(i).getItemId();
                    if (!excluded.contains(id) && browsing.equals(catalog.category(id))) {
                        taken++;
                        Acc a = byId.getOrAdd(id, id.hashCode());
                        a.score = 1.0 + settings.trendingWeight() * trendList.get(i).getCount() / maxCount;
                        a.reason = CATEGORY_TRENDING_PREFIX + browsing;
                    }
                }
            }
            int n = Math.min(trendList.size(), settings.trendingTopN());
            for (int i = 0; i < n; i++) {
                TrendingEntry t = trendList.get(i);
                if (excluded.contains(t.getItemId())) {
                    continue;
                }
                double bonus = settings.trendingWeight() * t.getCount() / maxCount;
                Acc a = byId.getOrAdd(t.getItemId(), t.getItemId().hashCode());
                if (a.seed == null && a.reason == null) {
                    a.reason = TRENDING_REASON;
                }
                a.score += bonus; // a co-visited or category candidate keeps its reason
            }
        }
        int kept = byId.size();
        if (kept > settings.maxCandidates()) {
            // The best maxCandidates, unordered: the rankers order what they serve (BestFirst).
            byId.keepBest(settings.maxCandidates(), Acc.BEST_FIRST);
            kept = settings.maxCandidates();
        }
        List<Candidate> list = new ArrayList<>(kept);
        for (int i = 0; i < kept; i++) {
            Acc a = byId.at(i);
            // The co-visited reason is built only if the candidate is served (Candidate#reason).
            list.add(a.reason != null ? new Candidate(a.id, a.score, a.reason)
                    : Candidate.coVisited(a.id, a.score, a.seed));
        }
        return list;
    }

    /**
     * A candidate being scored: its heuristic score so far, and either a fixed reason or the seed that contributed
     * most to its co-visitation score (the reason is built only for the candidates served).
     */
    private static final class Acc {
        /** Best heuristic score first, ties to the smaller item id. */
        static final Comparator<Acc> BEST_FIRST = (x, y) -> {
            int c = Double.compare(y.score, x.score);
            return c != 0 ? c : x.id.compareTo(y.id);
        };

        String id;
        /** {@code id.hashCode()}, compared before the ids so that a probe need not load the id's String. */
        int hash;
        double score;
        double bestContribution;
        String seed;
        String reason;

        void reset(String id, int hash) {
            this.id = id;
            this.hash = hash;
            this.score = 0;
            this.bestContribution = -1;
            this.seed = null;
            this.reason = null;
        }
    }

    /**
     * The candidates of the event being generated, by item id: an open-addressing table (linear probing) of
     * {@link Acc} entries, both the table and the entries reused from event to event (a generator belongs to one
     * stream task, so one thread). Entries are kept in insertion order; {@link #keepBest} reorders them.
     */
    private static final class AccTable {
        private Acc[] slots = new Acc[1024];
        private Acc[] entries = new Acc[256];
        private int size;

        void clear() {
            if (size > 0) {
                Arrays.fill(slots, null);
                size = 0;
            }
        }

        int size() {
            return size;
        }

        /** The i-th entry, in insertion order (or {@link #keepBest}'s). */
        Acc at(int i) {
            return entries[i];
        }

        /** The entry of {@code id} (whose hash code is {@code hash}), added (score 0, no reason) if absent. */
        Acc getOrAdd(String id, int hash) {
            if (2 * (size + 1) > slots.length) {
                grow();
            }
            int mask = slots.length - 1;
            for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
                Acc a = slots[i];
                if (a == null) {
                    a = take(id, hash);
                    slots[i] = a;
                    return a;
                }
                // Neighbour ids are canonical (ItemIds), so the reference test settles nearly every match.
                if (a.hash == hash && (a.id == id || a.id.equals(id))) {
                    return a;
                }
            }
        }

        /** Moves the best {@code k} entries to the front, in no particular order. */
        void keepBest(int k, Comparator<Acc> order) {
            BestFirst.keepBest(entries, size, k, order);
        }

        private Acc take(String id, int hash) {
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, 2 * size);
            }
            Acc a = entries[size];
            if (a == null) {
                a = new Acc();
                entries[size] = a;
            }
            size++;
            a.reset(id, hash);
            return a;
        }

        private void grow() {
            Acc[] bigger = new Acc[2 * slots.length];
            int mask = bigger.length - 1;
            for (int e = 0; e < size; e++) {
                Acc a = entries[e];
                int i = spread(a.hash) & mask;
                while (bigger[i] != null) {
                    i = (i + 1) & mask;
                }
                bigger[i] = a;
            }
            slots = bigger;
        }

    }

    /** Mixes the high bits in: item ids share long prefixes, and linear probing wants well-spread low bits. */
    private static int spread(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * The excluded items' hash codes as a 1,024-bit set, reused from event to event: a neighbour whose bit is clear
     * is not excluded, known without loading its id (the set holds one to a few dozen items, so nearly every bit
     * is clear; a set bit sends the neighbour to the exclusion set itself).
     */
    static final class HashFilter {
        private final long[] bits = new long[16];

        void reset(Set<String> items) {
            Arrays.fill(bits, 0L);
            for (String item : items) {
                int b = spread(item.hashCode()) & 1023;
                bits[b >>> 6] |= 1L << b;
            }
        }

        boolean mightContain(int hash) {
            int b = spread(hash) & 1023;
            return (bits[b >>> 6] & (1L << b)) != 0;
        }
    }

    /**
     * The item's published neighbour list, decoded, from the instance's {@link GlobalCache} (the global store
     * is read on a miss; its writer invalidates an item when a new list arrives, so the newest list is always
     * the one used). A list changes at most once per publish interval (1 s by default), and popular items are
     * seeds of many events: re-reading and decoding one for every event (a JNI lookup plus Avro decoding of up
     * to top-m entries) bought nothing.
     */
    private NeighbourList neighbours(String item) {
        return neighbourReads.get(item, key -> {
            ItemNeighbours published = ValueAndTimestamp.getValueOrNull(neighbours.get(key));
            return published == null ? null : NeighbourList.of(published, ids);
        });
    }

    /**
     * {@link #trending(String)} of the tenant as read at most {@value #MAX_REUSE_MS} ms of wall-clock time ago (less when
     * {@code streamrec.trending.publish-interval} is under twice that). Each item partition publishes its
     * list once per publish interval (1 s by default), so re-reading, decoding and merging every
     * partition's list for every event (5.7% of the stream thread at steady state, issue 11) bought
     * nothing; a new list is seen at most this much later.
     *
     * @param now the task's wall-clock time ({@code ProcessorContext#currentSystemTimeMs})
     */
    List<TrendingEntry> trending(String tenant, long now) {
        return trendingReads.get(tenant, now, t -> List.copyOf(trending(t)));
    }

    /**
     * Every partition's trending list of the tenant merged, best first (uncut: cold start looks past the top n for
     * a category). Lists are per tenant ({@link TrendingCounter}), keyed {@code <tenant>|partition-<n>}.
     */
    List<TrendingEntry> trending(String tenant) {
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

    /**
     * Reads of a global store kept per key for up to {@code maxAgeMs} of wall-clock time, at most
     * {@code maxEntries} (the least recently used go first); a value may be null (nothing stored).
     */
    static final class RecentReads<V> {

        private record Read<V>(V value, long at) {
        }

        private final long maxAgeMs;
        private final Map<String, Read<V>> reads;

        RecentReads(long maxAgeMs, int maxEntries) {
            this.maxAgeMs = maxAgeMs;
            this.reads = new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Read<V>> eldest) {
                    return size() > maxEntries;
                }
            };
        }

        V get(String key, long now, Function<String, V> read) {
            Read<V> r = reads.get(key);
            if (r == null || now - r.at() >= maxAgeMs || now < r.at()) {
                r = new Read<>(read.apply(key), now);
                reads.put(key, r);
            }
            return r.value();
        }
    }
}
