package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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

/**
 * The item side of the co-visitation graph (runs in the item-partitioned sub-topology).
 *
 * <p>The graph is stored one record per pair, {@code (item, neighbour) → (score, time)} in the
 * {@value StreamrecTopology#COVISIT_STORE} store, so a co-visit rewrites one small record (about 25
 * bytes in the changelog, see {@link #pairValue}) instead of the item's whole neighbour list (up to
 * {@code streamrec.covisit.tracked} entries, ~1.8 KB). The store is cached: a pair updated several
 * times between two commits reaches the changelog once. A pair's score is kept as of its own time and
 * decayed by {@code 2^(-Δt/half-life)} when it is next updated or read, an older co-visit is decayed on
 * arrival.
 *
 * <p>Changed items are remembered in memory until published. A wall-clock punctuation reads each changed
 * item's pairs (a prefix scan), decays them to the item's
 * newest time, keeps the best {@code streamrec.covisit.tracked} (deleting the rest: so newcomers can
 * climb, and an item's pairs stay bounded), and publishes the top {@code streamrec.covisit.top-m} to the
 * compacted item-neighbours topic, which every instance reads as a global store; unless the published
 * list would hardly differ from the one published last (same items in the same order, total score
 * within {@value #REPUBLISH_GROWTH} of it, both decayed to the same time): readers decay the published
 * scores themselves, so a list that only aged needs no new record.
 *
 * <p>Exactly-once: every pair change is in the changelogged pair store, within the task's transaction;
 * the set of changed items is not (it was a changelogged store, {@code item-covisits-dirty}, until issue
 * 11: a put and a tombstone per published item, about 2 records per event). A task that is (re)initialised
 * (a fresh start, a rebalance, a revival after an aborted transaction) cannot know which of its restored
 * pairs were published by the transactions that committed, so it first publishes <em>every</em> item of
 * its pair store once, in slices like any pass ({@link #restoreSlice}): what a committed transaction
 * changed and a lost in-memory set would have published goes out then. The last-published summaries are
 * in memory too, so that restore pass publishes each item's list once more, which is harmless (a
 * compacted topic; readers keep the latest list).
 */
final class CoVisitAggregator implements Processor<String, ItemSignal, String, ItemNeighbours> {

    /** Most wall-clock time one punctuation spends publishing (it goes on at the next one). */
    private static final long SLICE_NANOS = 5_000_000;
    /** Changed items published between two looks at the clock. */
    private static final int SLICE_ITEMS = 64;
    /** How often a pass in progress goes on (at most the publish interval). */
    private static final Duration SLICE_EVERY = Duration.ofMillis(50);
    /** Relative growth of a published list's total score that publishes it again. */
    static final double REPUBLISH_GROWTH = 0.1;
    /** Items whose last publication is remembered, at most (a bound on memory; forgetting costs a publication). */
    private static final int MAX_REMEMBERED = 200_000;
    /** New pairs an item may gain without a scan (a bound on the pairs kept beyond {@code tracked}). */
    static final int MAX_UNSCANNED_ADDED = 32;
    /** Rank difference treated as a tie (scores are floats in the store; a tie scans). */
    private static final double RANK_MARGIN = 1e-6;
    private static final double LN2 = Math.log(2);
    /** Size of a pair value of the first layout (a double score and a long time). */
    private static final int LEGACY_PAIR_BYTES = 16;

    private static final Comparator<NeighbourScore> BEST_FIRST = Comparator.comparingDouble(NeighbourScore::getScore)
            .reversed().thenComparing(NeighbourScore::getItemId);

    private final Decay decay;
    private final int tracked;
    private final int topM;
    private final Duration publishInterval;
    private final Map<String, Published> published = new HashMap<>();
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

    /**
     * What was last published for an item: its neighbours in order and their total score as of {@code at};
     * then what the item's last scan found (the same ids: a scan that finds other ids publishes them):
     * {@code floor}, the {@link #rank} of its M-th neighbour ({@code -∞} with fewer than M), and
     * {@code added}, the pairs the item gained since (mutable: counted by {@link #add}).
     */
    private static final class Published {
        final List<String> ids;
        final double total;
        final long at;
        final double floor;
        int added;

        Published(List<String> ids, double total, long at, double floor) {
            this.ids = ids;
            this.total = total;
            this.at = at;
            this.floor = floor;
        }
    }

    CoVisitAggregator(TopologySettings settings) {
        this.decay = new Decay(settings.covisitHalfLife());
        this.tracked = settings.covisitTracked();
        this.topM = settings.covisitTopM();
        this.publishInterval = settings.covisitPublishInterval();
    }

    @Override
    public void init(ProcessorContext<String, ItemNeighbours> context) {
        this.context = context;
        this.pairs = context.getStateStore(StreamrecTopology.COVISIT_STORE);
        published.clear(); // a revived task may have aborted the transaction that published them
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
     * Adds one item's co-visits of time {@code t} to its pairs and marks the item changed when its published
     * list may change: see {@link #mayChangeTop}.
     */
    private void add(String item, List<CoVisit> neighbours, long t) {
        Published known = published.get(item);
        boolean mark = known == null;
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
            byte[] old = pairs.get(key);
            double score;
            long at;
            if (old == null) {
                score = c.getWeight();
                at = t;
            } else {
                double oldScore = pairScore(old);
                long oldAt = pairTime(old);
                at = Math.max(oldAt, t);
                score = oldScore * decay.factor(at - oldAt) + c.getWeight() * decay.factor(at - t);
            }
            byte[] value = pairValue(score, at);
            pairs.put(key, value);
            if (!mark) {
                mark = mayChangeTop(known, neighbour, pairScore(value), at, old == null);
            }
        }
        if (mark && prefix != null) {
            changed.add(item);
        }
    }

    /**
     * Whether a pair update may change the item's top M as its last scan found it; false only when the
     * neighbour is not in it and ranks below its M-th. Decay does not reorder pairs ({@link #rank} is
     * time-invariant), so the top M is then the same list, and the total of a list that only aged is not
     * republished ({@link #worthPublishing}): the scan (a prefix scan over up to
     * {@code streamrec.covisit.tracked} pairs) would publish nothing. Also true once the item has gained
     * {@link #MAX_UNSCANNED_ADDED} new pairs since its scan, so that pruning keeps its pairs bounded.
     */
    private boolean mayChangeTop(Published known, String neighbour, double score, long at, boolean added) {
        if (added && ++known.added >= MAX_UNSCANNED_ADDED) {
            return true;
        }
        return rank(score, at) >= known.floor - RANK_MARGIN || known.ids.contains(neighbour);
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
        List<NeighbourScore> list = new ArrayList<>(ids.size());
        Map<String, Bytes> keyOf = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            list.add(new NeighbourScore(ids.get(i), scores.get(i) * decay.factor(newest - times.get(i))));
            keyOf.put(ids.get(i), keys.get(i));
        }
        list.sort(BEST_FIRST);
        if (list.size() > limit) {
            if (prune) {
                for (NeighbourScore n : list.subList(limit, list.size())) {
                    pairs.delete(keyOf.get(n.getItemId()));
                }
            }
            list = new ArrayList<>(list.subList(0, limit));
        }
        return new ItemNeighbours(item, list.isEmpty() ? 0 : newest, list);
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
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] out = java.util.Arrays.copyOf(prefix, i + 1);
                out[i]++;
                return out;
            }
        }
        throw new IllegalArgumentException("no key follows a prefix of 0xFF bytes only");
    }

    /** Publishes one item's top neighbours (when worth it). */
    private void publish(String item) {
        ItemNeighbours all = tracked(pairs, item, decay, tracked, true);
        if (!all.getNeighbours().isEmpty()) {
            List<NeighbourScore> top = all.getNeighbours().size() > topM
                    ? new ArrayList<>(all.getNeighbours().subList(0, topM)) : all.getNeighbours();
            double floor = top.size() < topM ? Double.NEGATIVE_INFINITY
                    : rank(top.getLast().getScore(), all.getUpdatedAt());
            if (worthPublishing(item, top, all.getUpdatedAt(), floor)) {
                context.forward(new Record<>(item, new ItemNeighbours(item, all.getUpdatedAt(), top),
                        all.getUpdatedAt()));
            }
        } else {
            published.remove(item);
        }
        changed.remove(item); // what changed so far is in this list
    }

    /**
     * Whether {@code top} differs enough from the last list published for the item; remembers it if so, and
     * remembers the scan's {@code floor} either way.
     */
    private boolean worthPublishing(String item, List<NeighbourScore> top, long at, double floor) {
        List<String> ids = new ArrayList<>(top.size());
        double total = 0;
        for (NeighbourScore n : top) {
            ids.add(n.getItemId());
            total += n.getScore();
        }
        Published last = published.get(item);
        if (last != null && last.ids.equals(ids)
                && total <= last.total * decay.factor(at - last.at) * (1 + REPUBLISH_GROWTH)) {
            published.put(item, new Published(last.ids, last.total, last.at, floor));
            return false;
        }
        if (published.size() >= MAX_REMEMBERED) {
            published.clear();
        }
        published.put(item, new Published(ids, total, at, floor));
        return true;
    }
}
