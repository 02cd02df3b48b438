package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.avro.internal.CoVisit;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.avro.internal.NeighbourScore;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The item side of the co-visitation graph (runs in the item-partitioned sub-topology).
 *
 * <p>The graph is stored one record per pair, {@code (item, neighbour) → (score, time)} in the
 * {@value StreamrecTopology#COVISIT_STORE} store, so a co-visit rewrites one small record (about 25
 * bytes in the changelog, see {@link #pairValue}) instead of the item's whole neighbour list (up to
 * {@code streamrec.covisit.tracked} entries, ~1.8 KB). The store is arrays on the heap ({@link HeapPairStore},
 * the default) or RocksDB behind the record cache, when it is given one (a pair updated several times between two commits reaches the
 * changelog once; {@code streamrec.covisit.store}, {@link PairStore}); this class works the same on either. A pair's score is
 * kept as of its own time and decayed by {@code 2^(-Δt/half-life)} when it is next updated or read, an older
 * co-visit is decayed on arrival.
 *
 * <p>Publication: a wall-clock punctuation publishes each changed item's top {@code streamrec.covisit.top-m}
 * to the compacted item-neighbours topic, which every instance reads as a global store, decayed to the
 * item's newest pair time; unless the list would hardly differ from the one published last (same items in
 * the same order, total score within {@value #REPUBLISH_GROWTH} of it, both decayed to the same time):
 * readers decay the published scores themselves, so a list that only aged needs no new record. Decay does
 * not reorder an item's pairs (a pair's {@link #rank}, {@code log2(score) + time/half-life}, does not
 * change with the time they are decayed to), so the task keeps each item's top M in memory
 * ({@link Top}), updated by every pair update: a pair enters it only by outranking its M-th, and a
 * publication reads no store. An item the task holds no top for (after {@link #init}, or forgotten: at
 * most {@code streamrec.caches.covisit-tops} are held) and one that gained {@code streamrec.covisit.tracked} new pairs since its
 * last scan is scanned instead (a prefix scan over its pairs), which also deletes the pairs beyond the best
 * {@code streamrec.covisit.tracked} (so newcomers can climb, and an item's pairs stay bounded).
 *
 * <p>Exactly-once: every pair change is in the changelogged pair store, within the task's transaction;
 * the set of changed items and the tops are not (the changed items were a changelogged store,
 * {@code item-covisits-dirty}, until issue 11: a put and a tombstone per published item, about 2 records per
 * event). A task that is (re)initialised (a fresh start, a rebalance, a revival after an aborted
 * transaction) cannot know which of its restored pairs were published by the transactions that committed,
 * so it first publishes <em>every</em> item of its pair store once, in slices like any pass
 * ({@link #restoreSlice}): what a committed transaction changed and a lost in-memory set would have
 * published goes out then, and the tops are rebuilt from the restored pairs. That restore pass publishes
 * each item's list once more, which is harmless (a compacted topic; readers keep the latest list).
 */
final class CoVisitAggregator implements Processor<String, ItemSignal, String, ItemNeighbours> {

    private static final Logger LOG = LoggerFactory.getLogger(CoVisitAggregator.class);

    /** Most wall-clock time one punctuation spends publishing (it goes on at the next one). */
    private static final long SLICE_NANOS = 5_000_000;
    /** Changed items published between two looks at the clock. */
    private static final int SLICE_ITEMS = 64;
    /** How often a pass in progress goes on (at most the publish interval). */
    private static final Duration SLICE_EVERY = Duration.ofMillis(50);
    /** Relative growth of a published list's total score that publishes it again. */
    static final double REPUBLISH_GROWTH = 0.1;
    private static final double LN2 = Math.log(2);
    /** Size of a pair value of the first layout (a double score and a long time). */
    private static final int LEGACY_PAIR_BYTES = 16;

    private static final Comparator<NeighbourScore> BEST_FIRST = Comparator.comparingDouble(NeighbourScore::getScore)
            .reversed().thenComparing(NeighbourScore::getItemId);

    private final Decay decay;
    /**
     * Pairs an item keeps after a scan ({@code streamrec.covisit.tracked}); also the new pairs it may gain
     * before the next scan, so an item holds at most twice as many (a scan per {@code tracked} new pairs).
     */
    private final int tracked;
    private final int topM;
    private final Duration publishInterval;
    /** Whether the pairs are on the heap ({@code streamrec.covisit.store=in-memory}): then their share of it is watched. */
    private final boolean pairsOnHeap;
    /** Whether this task warned that its pairs take much of the heap (once per task). */
    private boolean heapWarned;
    /**
     * The items' tops, least recently updated first (see the class doc: in memory), at most
     * {@code streamrec.caches.covisit-tops} of them ({@link CacheLimits#covisitTops}: a bound on memory; a
     * forgotten item costs one scan when next changed).
     */
    private final Map<String, Top> tops;
    /** Items changed since the start of the pass in progress or the last one (see the class doc: in memory). */
    private Set<String> changed = new HashSet<>();
    /**
     * The publication pass in progress: the changed items it has still to publish, or null when none is.
     * A pass publishes for at most {@link #SLICE_NANOS} per punctuation and goes on at the next one, so one
     * task's publication never stalls the stream thread for long (issue 11: a whole pass took up to 450 ms
     * at steady state, and every task of the thread waited for it).
     */
    private Iterator<String> pass;
    /**
     * The restore pass over every item of the pair store that follows {@link #init}: the least pair key not
     * yet looked at (empty: from the start), or null once done. Regular passes wait for it to end.
     */
    private Bytes restoreCursor;
    /** Wall-clock time the current or last pass started. */
    private long passStartedAt = Long.MIN_VALUE;
    private ProcessorContext<String, ItemNeighbours> context;
    private KeyValueStore<Bytes, byte[]> pairs;
    /** The instance's shared item ids ({@link GlobalCaches#ids}): the tops' pairs hold those, since a top lives for minutes. */
    private final ItemIds ids;

    /** One pair as stored: the score as of {@code at} (a float in the store), and its {@link #rank}. */
    private static final class Pair {
        final String id;
        final int hash;
        double score;
        long at;
        double rank;

        Pair(String id, double score, long at, double rank) {
            this.id = id;
            this.hash = id.hashCode();
            this.score = score;
            this.at = at;
            this.rank = rank;
        }

        /** Whether this pair ranks before {@code other}: higher rank, a tie to the smaller id (as a scan orders). */
        boolean before(Pair other) {
            return ranksBefore(rank, id, other);
        }
    }

    /** Whether a pair of {@code rank} with neighbour {@code id} ranks before {@code other} ({@link Pair#before}). */
    private static boolean ranksBefore(double rank, String id, Pair other) {
        return rank > other.rank || rank == other.rank && id.compareTo(other.id) < 0;
    }

    /**
     * What the task holds of an item: its best pairs (at most top M, best rank first: exactly the pairs a scan
     * would rank first, since a pair's rank changes only when it is updated, and then only goes up), its
     * newest pair time, the new pairs since its last scan, and what was last published for it (ids in order
     * and their total score as of {@code publishedAt}; null ids: nothing yet).
     */
    private static final class Top {
        final List<Pair> best = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        int added;
        List<String> publishedIds;
        double publishedTotal;
        long publishedAt;

        Pair find(String id) {
            int hash = id.hashCode();
            for (int i = 0; i < best.size(); i++) {
                Pair p = best.get(i);
                if (p.hash == hash && p.id.equals(id)) {
                    return p;
                }
            }
            return null;
        }

        /**
         * Takes a pair's new value ({@code known}: its entry, if it holds one); false when the pair stays out
         * of the top (it ranks below the M-th of a full top).
         */
        boolean offer(String id, double score, long at, double rank, Pair known, int m, ItemIds ids) {
            newest = Math.max(newest, at);
            Pair p = known;
            int i;
            if (p == null) {
                if (best.size() >= m && !ranksBefore(rank, id, best.getLast())) {
                    return false;
                }
                p = new Pair(ids.canonical(id), score, at, rank); // it stays: hold the shared id, not the decoded one
                best.add(p);
                i = best.size() - 1;
            } else {
                p.score = score;
                p.at = at;
                p.rank = rank; // an update raises a rank (but for float rounding)
                i = best.indexOf(p);
            }
            for (; i > 0 && p.before(best.get(i - 1)); i--) {
                best.set(i, best.get(i - 1));
                best.set(i - 1, p);
            }
            for (; i < best.size() - 1 && best.get(i + 1).before(p); i++) {
                best.set(i, best.get(i + 1));
                best.set(i + 1, p);
            }
            if (best.size() > m) {
                best.removeLast(); // still in the store, tracked
            }
            return true;
        }
    }

    CoVisitAggregator(TopologySettings settings, ItemIds ids) {
        this.decay = new Decay(settings.covisitHalfLife());
        this.tracked = settings.covisitTracked();
        this.topM = settings.covisitTopM();
        this.publishInterval = settings.covisitPublishInterval();
        this.pairsOnHeap = settings.covisitStore() == PairStore.IN_MEMORY;
        this.ids = ids;
        int held = settings.caches().covisitTops();
        this.tops = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Top> eldest) {
                return size() > held;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, ItemNeighbours> context) {
        this.context = context;
        this.pairs = context.getStateStore(StreamrecTopology.COVISIT_STORE);
        tops.clear(); // a revived task's store is restored: the tops are rebuilt from it
        changed = new HashSet<>();
        pass = null;
        restoreCursor = Bytes.wrap(new byte[0]); // publish every item once: see the class doc
        passStartedAt = Long.MIN_VALUE;
        Duration every = publishInterval.compareTo(SLICE_EVERY) < 0 ? publishInterval : SLICE_EVERY;
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::publishSlice);
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        long t = record.value().getTimestamp();
        ItemSignals.forEach(record.key(), record.value(), (item, primary, neighbours) -> add(item, neighbours, t));
    }

    /**
     * Adds one item's co-visits of time {@code t} to its pairs and marks the item changed when its top M
     * changed (or when it has to be scanned). A pair in the item's top is not read from the store.
     */
    private void add(String item, List<CoVisit> neighbours, long t) {
        Top top = tops.get(item);
        boolean mark = top == null;
        byte[] prefix = null;
        for (CoVisit c : neighbours) {
            String neighbour = c.getItemId();
            if (neighbour.equals(item)) {
                continue;
            }
            if (prefix == null) {
                prefix = prefix(item);
            }
            Bytes key = Bytes.wrap(withPrefix(prefix, neighbour.getBytes(StandardCharsets.UTF_8)));
            Pair held = top == null ? null : top.find(neighbour);
            double score;
            long at;
            boolean added = false;
            if (held != null) {
                at = Math.max(held.at, t);
                score = held.score * decay.factor(at - held.at) + c.getWeight() * decay.factor(at - t);
            } else {
                byte[] old = pairs.get(key);
                if (old == null) {
                    added = true;
                    score = c.getWeight();
                    at = t;
                } else {
                    double oldScore = pairScore(old);
                    long oldAt = pairTime(old);
                    at = Math.max(oldAt, t);
                    score = oldScore * decay.factor(at - oldAt) + c.getWeight() * decay.factor(at - t);
                }
            }
            double stored = (float) score; // what the store keeps, and a scan reads
            pairs.put(key, pairValue(stored, at));
            if (top != null) {
                mark |= top.offer(neighbour, stored, at, rank(stored, at), held, topM, ids);
                if (added && ++top.added >= tracked) {
                    mark = true;
                }
            }
        }
        if (mark && prefix != null) {
            changed.add(item);
        }
    }

    /**
     * A pair's rank among its item's pairs: {@code log2(score) + at / half-life}. Pairs decayed to a common
     * time compare as their ranks do, whatever that time.
     */
    private double rank(double score, long at) {
        return Math.log(score) / LN2 + (double) at / decay.halfLifeMs();
    }

    /** Store key of a pair: the item's UTF-8 length (varint) and bytes, then the neighbour's bytes. */
    static Bytes pairKey(String item, String neighbour) {
        byte[] n = neighbour.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(withPrefix(prefix(item), n));
    }

    /**
     * Store value of a pair: the score as a float (4 bytes; ranking needs no more precision), then the
     * time as an unsigned varint of epoch ms (6 bytes until 2527): 10 bytes a pair instead of 16 in every
     * changelog record. Values of the first layout (a double and a long, exactly 16 bytes; the new one is
     * at most 14) are still read.
     */
    static byte[] pairValue(double score, long at) {
        ByteBuffer b = ByteBuffer.allocate(14).putFloat((float) score);
        Varints.write(b, at);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    static double pairScore(byte[] value) {
        return value.length == LEGACY_PAIR_BYTES ? ByteBuffer.wrap(value).getDouble() : ByteBuffer.wrap(value).getFloat();
    }

    static long pairTime(byte[] value) {
        if (value.length == LEGACY_PAIR_BYTES) {
            return ByteBuffer.wrap(value).getLong(8);
        }
        return Varints.read(ByteBuffer.wrap(value, 4, value.length - 4));
    }

    /** Key prefix of every pair of {@code item}. */
    static byte[] prefix(String item) {
        byte[] i = item.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(5 + i.length);
        int len = i.length;
        Varints.write(b, len);
        b.put(i);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static byte[] withPrefix(byte[] prefix, byte[] rest) {
        byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + rest.length);
        System.arraycopy(rest, 0, out, prefix.length, rest.length);
        return out;
    }

    /**
     * The item's tracked neighbours, best first, decayed to the newest pair time; with {@code prune},
     * pairs beyond {@code limit} are deleted from the store.
     */
    static ItemNeighbours tracked(KeyValueStore<Bytes, byte[]> pairs, String item, Decay decay, int limit, boolean prune) {
        List<NeighbourScore> list = new ArrayList<>();
        long newest = scan(pairs, item, decay, limit, prune,
                (id, decayed, score, at) -> list.add(new NeighbourScore(id, decayed)));
        return new ItemNeighbours(item, list.isEmpty() ? 0 : newest, list);
    }

    /** Receives a scanned pair: its score decayed to the newest pair time, and as stored (as of {@code at}). */
    private interface Scanned {
        void pair(String id, double decayed, double score, long at);
    }

    /**
     * Reads the item's pairs (a prefix scan), gives the best {@code limit} to {@code out}, best first, with
     * {@code prune} deletes the rest from the store; returns the newest pair time (Long.MIN_VALUE: no pair).
     */
    private static long scan(KeyValueStore<Bytes, byte[]> pairs, String item, Decay decay, int limit, boolean prune,
                             Scanned out) {
        byte[] prefix = prefix(item);
        List<String> ids = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        List<Bytes> keys = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        try (KeyValueIterator<Bytes, byte[]> it = pairs.prefixScan(Bytes.wrap(prefix), new BytesSerializer())) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                keys.add(kv.key);
                ids.add(new String(k, prefix.length, k.length - prefix.length, StandardCharsets.UTF_8));
                scores.add(pairScore(kv.value));
                long at = pairTime(kv.value);
                times.add(at);
                newest = Math.max(newest, at);
            }
        }
        Integer[] order = new Integer[ids.size()];
        double[] decayed = new double[ids.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            decayed[i] = scores.get(i) * decay.factor(newest - times.get(i));
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> decayed[i]).reversed()
                .thenComparing(ids::get));
        for (int r = 0; r < order.length; r++) {
            int i = order[r];
            if (r < limit) {
                out.pair(ids.get(i), decayed[i], scores.get(i), times.get(i));
            } else if (prune) {
                pairs.delete(keys.get(i));
            }
        }
        return newest;
    }

    /**
     * Goes on with the restore pass while one is due, else starts a pass over the changed items once per
     * publish interval and goes on with the one in progress: {@link #SLICE_ITEMS} items at a time until
     * {@link #SLICE_NANOS} have passed or no item of the pass is left.
     */
    private void publishSlice(long now) {
        long deadline = System.nanoTime() + SLICE_NANOS;
        if (restoreCursor != null) {
            do {
                if (!restoreSlice()) {
                    restoreCursor = null;
                    return;
                }
            } while (System.nanoTime() < deadline);
            return;
        }
        if (pass == null) {
            if (changed.isEmpty()
                    || passStartedAt != Long.MIN_VALUE && now - passStartedAt < publishInterval.toMillis()) {
                return;
            }
            passStartedAt = now;
            if (pairsOnHeap && !heapWarned) {
                String warning = PairStore.heapWarning(pairs.approximateNumEntries(), Runtime.getRuntime().maxMemory());
                if (warning != null) {
                    heapWarned = true;
                    LOG.warn("Task {}: {}", context.taskId(), warning);
                }
            }
            pass = changed.iterator();
            changed = new HashSet<>(); // an item changed during the pass waits for the next one
        }
        do {
            for (int i = 0; i < SLICE_ITEMS && pass.hasNext(); i++) {
                publish(pass.next());
            }
            if (!pass.hasNext()) {
                pass = null;
                return;
            }
        } while (System.nanoTime() < deadline);
    }

    /**
     * Publishes the next {@link #SLICE_ITEMS} items of the pair store (in key order, from {@link #restoreCursor});
     * false when none was left.
     */
    private boolean restoreSlice() {
        for (int i = 0; i < SLICE_ITEMS; i++) {
            String item;
            try (KeyValueIterator<Bytes, byte[]> it = restoreCursor.get().length == 0 ? pairs.all()
                    : pairs.range(restoreCursor, null)) {
                if (!it.hasNext()) {
                    return i > 0;
                }
                item = itemOf(it.next().key.get());
            }
            publish(item);
            restoreCursor = Bytes.wrap(successor(prefix(item))); // the least key after all of the item's pairs
        }
        return true;
    }

    /** The item of a pair key (see {@link #pairKey}). */
    static String itemOf(byte[] pairKey) {
        ByteBuffer b = ByteBuffer.wrap(pairKey);
        int len = (int) Varints.read(b);
        return new String(pairKey, b.position(), len, StandardCharsets.UTF_8);
    }

    /** The least byte string greater than every string that starts with {@code prefix} (unsigned order). */
    static byte[] successor(byte[] prefix) {
        byte[] out = successorOrNull(prefix);
        if (out == null) {
            throw new IllegalArgumentException("no key follows a prefix of 0xFF bytes only");
        }
        return out;
    }

    /** {@link #successor}, or null when no byte string follows (the prefix is 0xFF bytes only). */
    static byte[] successorOrNull(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] out = java.util.Arrays.copyOf(prefix, i + 1);
                out[i]++;
                return out;
            }
        }
        return null;
    }

    /** Publishes one item's top neighbours (when worth it), from its top held in memory or from a scan. */
    private void publish(String item) {
        Top top = tops.get(item);
        if (top == null || top.added >= tracked) {
            top = rescan(item, top);
        }
        changed.remove(item); // what changed so far is in this list
        if (top == null) {
            return;
        }
        List<NeighbourScore> list = new ArrayList<>(top.best.size());
        for (Pair p : top.best) {
            list.add(new NeighbourScore(p.id, p.score * decay.factor(top.newest - p.at)));
        }
        list.sort(BEST_FIRST); // as a scan orders them (a rank tie within rounding could differ)
        if (worthPublishing(top, list)) {
            context.forward(new Record<>(item, new ItemNeighbours(item, top.newest, list), top.newest));
        }
    }

    /** The item's top from a scan of its pairs (pruning those beyond {@code tracked}); null when it has none. */
    private Top rescan(String item, Top old) {
        Top top = new Top();
        top.newest = scan(pairs, item, decay, tracked, true, (id, decayed, score, at) -> {
            if (top.best.size() < topM) {
                top.best.add(new Pair(ids.canonical(id), score, at, rank(score, at)));
            }
        });
        if (top.best.isEmpty()) {
            tops.remove(item);
            return null;
        }
        if (old != null) {
            top.publishedIds = old.publishedIds;
            top.publishedTotal = old.publishedTotal;
            top.publishedAt = old.publishedAt;
        }
        tops.put(item, top);
        return top;
    }

    /** Whether {@code list} differs enough from the last list published for the item; remembers it if so. */
    private boolean worthPublishing(Top top, List<NeighbourScore> list) {
        List<String> ids = new ArrayList<>(list.size());
        double total = 0;
        for (NeighbourScore n : list) {
            ids.add(n.getItemId());
            total += n.getScore();
        }
        if (top.publishedIds != null && top.publishedIds.equals(ids)
                && total <= top.publishedTotal * decay.factor(top.newest - top.publishedAt) * (1 + REPUBLISH_GROWTH)) {
            return false;
        }
        top.publishedIds = ids;
        top.publishedTotal = total;
        top.publishedAt = top.newest;
        return true;
    }
}
