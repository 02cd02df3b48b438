package dev.streamrec.app.health;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micronaut.configuration.kafka.streams.event.BeforeKafkaStreamStart;
import io.micronaut.context.event.ApplicationEventListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what Kafka Streams restores from changelogs, and how fast: a line when a store partition starts a restore of
 * more than {@value #ANNOUNCED_OFFSETS} offsets, and one when a restore that read any record is done, with the
 * records and the time it took (a restart of an app that stopped cleanly restores next to nothing: silence). A task serves nothing until its stores are
 * restored, and the co-visit pairs on the heap ({@code streamrec.covisit.store: in-memory}, the default) are
 * restored at every start, so this is what an operator watches after a restart. Installed as Kafka Streams'
 * global restore listener just before it starts (global stores' restores are reported too).
 *
 * <p>Prometheus: {@code streamrec_state_restore_records_total}, {@code streamrec_state_restoring_partitions}.
 */
@Singleton
public class StateRestores implements ApplicationEventListener<BeforeKafkaStreamStart>, StateRestoreListener {

    private static final Logger LOG = LoggerFactory.getLogger(StateRestores.class);
    /** Restores longer than this (in offsets, transaction markers included) are announced when they start. */
    static final long ANNOUNCED_OFFSETS = 1000;

    private final AtomicLong restored = new AtomicLong();
    private final AtomicInteger restoring = new AtomicInteger();
    /** Start (System.nanoTime) of each store partition being restored. */
    private final Map<TopicPartition, Long> started = new ConcurrentHashMap<>();
    /** Records restored so far by store, all partitions ({@link #restoredRecords}). */
    private final Map<String, AtomicLong> byStore = new ConcurrentHashMap<>();

    public StateRestores(MeterRegistry registry) {
        FunctionCounter.builder("streamrec.state.restore.records", restored, AtomicLong::get)
                .description("Records restored into state stores from their changelogs since start").register(registry);
        Gauge.builder("streamrec.state.restoring.partitions", restoring, AtomicInteger::get)
                .description("Store partitions being restored from their changelogs now").register(registry);
    }

    @Override
    public void onApplicationEvent(BeforeKafkaStreamStart event) {
        event.getKafkaStreams().setGlobalStateRestoreListener(this);
    }

    @Override
    public void onRestoreStart(TopicPartition partition, String store, long startingOffset, long endingOffset) {
        restoring.incrementAndGet();
        started.put(partition, System.nanoTime());
        if (endingOffset - startingOffset > ANNOUNCED_OFFSETS) {
            LOG.info("restoring store {} from {}: offsets {} to {}", store, partition, startingOffset, endingOffset);
        }
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long numRestored) {
        restored.addAndGet(numRestored);
        byStore.computeIfAbsent(store, s -> new AtomicLong()).addAndGet(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        restoring.decrementAndGet();
        String took = took(partition, totalRestored);
        if (totalRestored > 0) {
            LOG.info("restored store {} from {}: {}", store, partition, took);
        }
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        restoring.decrementAndGet();
        LOG.info("restore of store {} from {} suspended (its task moved or closed): {}", store, partition,
                took(partition, totalRestored));
    }

    /** Records restored into {@code store} since start, all partitions. */
    public long restoredRecords(String store) {
        AtomicLong n = byStore.get(store);
        return n == null ? 0 : n.get();
    }

    private String took(TopicPartition partition, long records) {
        Long start = started.remove(partition);
        if (start == null) {
            return String.format(Locale.ROOT, "%,d records", records);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "%,d records in %.1f s (%,.0f records/s)", records, seconds,
                seconds > 0 ? records / seconds : 0);
    }
}
