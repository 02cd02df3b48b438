package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.avro.internal.TrendingEntry;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.topics.TenantKeys;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Trending items, per item partition: counts primary signals (one per valid event) in buckets of
 * {@code streamrec.trending.bucket} in a window store (retention: the trending window plus one
 * bucket), and on a wall-clock punctuation sums the buckets of the last {@code streamrec.trending.window}
 * of stream time and publishes this partition's top {@code streamrec.trending.top-n} under the key
 * {@code partition-<n>} to the compacted trending-items topic, one list per tenant (the key of a tenant
 * other than the default is {@code <tenant>|partition-<n>}). Every instance reads that topic as a
 * global store and merges the partitions' lists (an item lives in exactly one partition, so the
 * merge is a plain top-N of the union).
 *
 * <p>Counting uses record time (stream time), not the event field, so a client with a skewed clock
 * cannot push an item to the top, and the window moves with the data during a replay.
 *
 * <p>The store is the state (changelogged, in the task's transaction); the task also keeps the counts of the
 * buckets still in the window in memory ({@link TrendingSums}), rebuilt from the store by {@link #init} (a task
 * restored or revived gets them back from its changelog), so a publication reads no store (issue 11: iterating
 * the whole window store every second was 4-7% of the stream thread) and counting needs no store read.
 * Past {@value #MAX_HELD} (bucket, item) counts (roughly 100 bytes each, estimated) the task drops that
 * copy and reads the store as before until its next {@link #init}.
 */
final class TrendingCounter implements Processor<String, ItemSignal, String, TrendingItems> {

    /** (bucket, item) counts held in memory at most (see the class doc). */
    static final int MAX_HELD = 500_000;

    private static final Comparator<TrendingEntry> TOP = Comparator.comparingLong(TrendingEntry::getCount).reversed()
            .thenComparing(TrendingEntry::getItemId);

    private final long bucketMs;
    private final long windowMs;
    private final int topN;
    private final TopologySettings settings;
    private ProcessorContext<String, TrendingItems> context;
    private WindowStore<String, Long> counts;
    /** Per tenant, in memory: after a restart the first lists are published again. */
    private final Map<String, List<TrendingEntry>> lastPublished = new HashMap<>();
    /** The counts of the buckets still in the window, in memory; null past {@link #MAX_HELD} (see the class doc). */
    private TrendingSums inMemory;

    TrendingCounter(TopologySettings settings) {
        this.settings = settings;
        this.bucketMs = settings.trendingBucket().toMillis();
        this.windowMs = settings.trendingWindow().toMillis();
        this.topN = settings.trendingTopN();
    }

    @Override
    public void init(ProcessorContext<String, TrendingItems> context) {
        this.context = context;
        this.counts = context.getStateStore(StreamrecTopology.TRENDING_STORE);
        try (KeyValueIterator<Windowed<String>, Long> it = counts.all()) {
            inMemory = TrendingSums.of(it, bucketMs, MAX_HELD);
        }
        context.schedule(settings.trendingPublishInterval(), PunctuationType.WALL_CLOCK_TIME, now -> publish());
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        if (record.timestamp() < 0) {
            return;
        }
        long bucket = record.timestamp() - Math.floorMod(record.timestamp(), bucketMs);
        ItemSignals.forEach(record.key(), record.value(), (item, primary, neighbours) -> {
            if (primary) {
                // null: no copy, or a late record for a bucket already out of the window (the store has it)
                Long held = inMemory == null ? null : inMemory.count(item, bucket);
                Long current = held != null ? held : counts.fetch(item, bucket);
                long n = current == null ? 1L : current + 1;
                counts.put(item, n, bucket);
                if (held != null && !inMemory.set(item, bucket, n)) {
                    inMemory = null; // past MAX_HELD: read the store from now on
                }
            }
        });
    }

    /** Sums of the buckets that overlap the window, read from the store (without the copy in memory). */
    private Map<String, long[]> sumsFromStore(long from, long now) {
        Map<String, long[]> out = new HashMap<>();
        try (KeyValueIterator<Windowed<String>, Long> it = counts.fetchAll(from - bucketMs + 1, now)) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, Long> kv = it.next();
                if (kv.key.window().start() + bucketMs > from) { // the bucket overlaps the window
                    out.computeIfAbsent(kv.key.key(), i -> new long[1])[0] += kv.value;
                }
            }
        }
        return out;
    }

    /** Key of one partition's list on the trending-items topic. */
    static String key(int partition) {
        return "partition-" + partition;
    }

    private void publish() {
        long now = context.currentStreamTimeMs();
        if (now < 0) {
            return; // nothing processed yet in this task
        }
        long from = Math.max(0, now - windowMs + 1);
        Map<String, long[]> sums = inMemory != null ? inMemory.from(from) : sumsFromStore(from, now);
        // One list per tenant (item ids are scoped, TenantKeys), so a small shop's items are not pushed out of
        // its trending list by a big one's; a tenant with nothing left in the window gets an empty list.
        Map<String, List<TrendingEntry>> byTenant = new HashMap<>();
        byTenant.put(TenantKeys.DEFAULT, new ArrayList<>()); // as before tenants: the default list is always published
        lastPublished.keySet().forEach(tenant -> byTenant.put(tenant, new ArrayList<>()));
        sums.forEach((item, n) -> byTenant.computeIfAbsent(TenantKeys.tenantOf(item), t -> new ArrayList<>())
                .add(new TrendingEntry(item, n[0])));
        int partition = context.taskId().partition();
        for (Map.Entry<String, List<TrendingEntry>> e : byTenant.entrySet()) {
            List<TrendingEntry> top = e.getValue();
            top.sort(TOP);
            List<TrendingEntry> list = top.size() > topN ? new ArrayList<>(top.subList(0, topN)) : top;
            if (list.equals(lastPublished.get(e.getKey()))) {
                continue;
            }
            lastPublished.put(e.getKey(), list);
            context.forward(new Record<>(TenantKeys.scope(e.getKey(), key(partition)),
                    new TrendingItems(partition, from, now, list), now));
        }
    }
}
