package dev.streamrec.ops.replay;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.console.ProgressBar;
import dev.streamrec.topics.DlqHeaders;
import dev.streamrec.ops.KafkaCalls;
import dev.streamrec.ops.OpsException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a range of a topic into another, record by record: same key, value bytes, timestamp and
 * headers (less the dead-letter error headers, see {@link DlqHeaders#isErrorHeader}, unless asked), plus a {@link DlqHeaders#REPLAYED_FROM}
 * header naming the source record. Values are never re-encoded, so dead-letter bytes go back exactly
 * as they came.
 *
 * <p>The end of every partition is fixed when the replay starts (the read-committed end offset, or
 * the {@code to} time), so replaying a live topic terminates. The producer is idempotent with
 * {@code acks=all}: no duplicates from retries, order kept per partition. Replaying the same range
 * twice writes the records twice; the streams app drops the second copy by eventId.
 *
 * <p>Records go to the target partition the default partitioner picks for their key, which for
 * {@code user-events} (keyed by userId) is where the app expects them.
 */
public final class Replayer {

    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Map<String, Object> clientConfig;
    private final PrintStream progressOut;
    private final Duration stallTimeout;

    /**
     * @param clientConfig bootstrap servers and any client settings (security...)
     * @param progressOut  where the progress line goes, or null for none
     */
    public Replayer(Map<String, Object> clientConfig, PrintStream progressOut) {
        this(clientConfig, progressOut, Duration.ofMinutes(2));
    }

    /** @param stallTimeout how long the source may give no records while some are still expected */
    public Replayer(Map<String, Object> clientConfig, PrintStream progressOut, Duration stallTimeout) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.progressOut = progressOut;
        this.stallTimeout = stallTimeout;
    }

    /** Runs the replay (or dry run) and returns its counts; throws {@link OpsException} on failure. */
    public ReplayResult replay(ReplaySpec spec) {
        long started = System.nanoTime();
        List<String> notes = new ArrayList<>();
        List<Integer> partitions = partitionsToRead(spec);
        RecordFilter filter = RecordFilter.of(spec);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = spec.dryRun() ? null : new KafkaProducer<>(producerConfig(),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            Map<TopicPartition, long[]> bounds = resolveBounds(consumer, spec, partitions, notes);
            Map<TopicPartition, Counts> counts = new LinkedHashMap<>();
            bounds.forEach((tp, b) -> counts.put(tp, new Counts(b[0], b[1])));
            long total = bounds.values().stream().mapToLong(b -> b[1] - b[0]).sum();
            AtomicReference<Exception> sendError = new AtomicReference<>();
            RateLimiter limiter = new RateLimiter(spec.dryRun() ? 0 : spec.ratePerSecond());

            Set<TopicPartition> active = new LinkedHashSet<>();
            bounds.forEach((tp, b) -> {
                if (b[0] < b[1]) {
                    active.add(tp);
                }
            });
            consumer.assign(active);
            active.forEach(tp -> consumer.seek(tp, bounds.get(tp)[0]));

            ProgressBar progress = progressOut == null ? null : new ProgressBar(
                    (spec.dryRun() ? "dry run " : "replay ") + spec.sourceTopic(), total, progressOut,
                    System.console() != null);
            long lastAdvance = System.nanoTime();
            long lastPositions = -1;
            try {
                while (!active.isEmpty() && sendError.get() == null) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                    for (TopicPartition tp : records.partitions()) {
                        Counts c = counts.get(tp);
                        for (ConsumerRecord<byte[], byte[]> rec : records.records(tp)) {
                            if (rec.offset() >= c.end) {
                                break;
                            }
                            c.read++;
                            if (progress != null) {
                                progress.step(1);
                            }
                            if (!filter.test(rec)) {
                                continue;
                            }
                            c.matched++;
                            if (producer != null) {
                                limiter.acquire();
                                producer.send(toTarget(spec, rec), (meta, e) -> {
                                    if (e == null) {
                                        c.written.incrementAndGet();
                                    } else {
                                        sendError.compareAndSet(null, e);
                                    }
                                });
                            }
                        }
                    }
                    long positions = 0;
                    for (TopicPartition tp : List.copyOf(active)) {
                        long position = consumer.position(tp);
                        positions += position;
                        if (position >= counts.get(tp).end) {
                            active.remove(tp);
                            consumer.pause(List.of(tp));
                        }
                    }
                    long now = System.nanoTime();
                    if (positions != lastPositions) {
                        lastPositions = positions;
                        lastAdvance = now;
                    } else if (now - lastAdvance > stallTimeout.toNanos()) {
                        throw new ReplayException("no progress reading " + spec.sourceTopic() + " for "
                                + stallTimeout.toSeconds() + " s; still expecting records on " + active,
                                result(spec, counts, notes, started), null);
                    }
                }
                if (producer != null) {
                    producer.flush();
                }
            } finally {
                if (progress != null) {
                    progress.close();
                }
            }
            if (filter.undecodable() > 0) {
                notes.add(filter.undecodable() + " records do not decode as UserEvent (dead-letter bytes, another "
                        + "record type); the --user/--type filters skipped them (a --user match by key still replays)");
            }
            ReplayResult result = result(spec, counts, notes, started);
            Exception e = sendError.get();
            if (e != null) {
                throw new ReplayException("failed to write to " + spec.targetTopic() + " after " + result.written()
                        + " records: " + e.getMessage(), result, e);
            }
            LOG.info("replay {} -> {}: read {}, matched {}, written {}, undecodable {}", spec.sourceTopic(),
                    spec.targetTopic(), result.read(), result.matched(), result.written(), filter.undecodable());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("replay interrupted", e);
        }
    }

    /** Checks the topics and the partition ranges against the broker; returns the partitions to read. */
    private List<Integer> partitionsToRead(ReplaySpec spec) {
        try (Admin admin = Admin.create(clientConfig)) {
            List<String> topics = spec.targetTopic() == null || spec.targetTopic().equals(spec.sourceTopic())
                    ? List.of(spec.sourceTopic()) : List.of(spec.sourceTopic(), spec.targetTopic());
            TopicDescription source = KafkaCalls.describeExisting(admin, topics).get(spec.sourceTopic());
            int count = source.partitions().size();
            if (spec.partitionRanges().isEmpty()) {
                return java.util.stream.IntStream.range(0, count).boxed().toList();
            }
            List<Integer> wanted = new ArrayList<>();
            for (PartitionRange r : spec.partitionRanges()) {
                if (r.partition() >= count) {
                    throw new OpsException("partition range " + r + ": topic " + spec.sourceTopic() + " has partitions 0-"
                            + (count - 1));
                }
                wanted.add(r.partition());
            }
            return wanted.stream().sorted().toList();
        }
    }

    /** Start (inclusive) and end (exclusive) offset per partition, fixed now. */
    private static Map<TopicPartition, long[]> resolveBounds(KafkaConsumer<byte[], byte[]> consumer, ReplaySpec spec,
                                                             List<Integer> partitions, List<String> notes) {
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(spec.sourceTopic(), p)).toList();
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, KafkaCalls.TIMEOUT);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps, KafkaCalls.TIMEOUT);
        Map<TopicPartition, long[]> bounds = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        for (TopicPartition tp : tps) {
            bounds.put(tp, new long[] {begin.get(tp), end.get(tp)});
        }
        spec.from().ifPresent(t -> offsetsForTime(consumer, tps, t.toEpochMilli(), end)
                .forEach((tp, o) -> bounds.get(tp)[0] = Math.max(bounds.get(tp)[0], o)));
        spec.to().ifPresent(t -> offsetsForTime(consumer, tps, t.toEpochMilli(), end)
                .forEach((tp, o) -> bounds.get(tp)[1] = Math.min(bounds.get(tp)[1], o)));
        for (PartitionRange r : spec.partitionRanges()) {
            TopicPartition tp = new TopicPartition(spec.sourceTopic(), r.partition());
            long[] b = bounds.get(tp);
            if (r.fromOffset() < begin.get(tp)) {
                notes.add("partition " + r.partition() + ": offsets before " + begin.get(tp)
                        + " are no longer in the log (retention); starting there instead of " + r.fromOffset());
            }
            if (r.endExclusive() != Long.MAX_VALUE && r.endExclusive() > end.get(tp)) {
                notes.add("partition " + r.partition() + ": range " + r + " runs past the end offset " + end.get(tp)
                        + "; stopping there");
            }
            b[0] = Math.max(b[0], r.fromOffset());
            b[1] = Math.min(b[1], r.endExclusive());
        }
        bounds.values().forEach(b -> b[1] = Math.max(b[0], b[1]));
        return bounds;
    }

    /** First offset whose timestamp is at or after {@code ms}; the end offset where there is none. */
    private static Map<TopicPartition, Long> offsetsForTime(KafkaConsumer<byte[], byte[]> consumer,
                                                            List<TopicPartition> tps, long ms,
                                                            Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, ms));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, KafkaCalls.TIMEOUT);
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : tps) {
            OffsetAndTimestamp o = found.get(tp);
            out.put(tp, o == null ? end.get(tp) : o.offset());
        }
        return out;
    }

    private static ProducerRecord<byte[], byte[]> toTarget(ReplaySpec spec, ConsumerRecord<byte[], byte[]> rec) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : rec.headers()) {
            if ((!spec.keepErrorHeaders() && DlqHeaders.isErrorHeader(h.key()))
                    || spec.dropHeaders().contains(h.key())) {
                continue;
            }
            headers.add(h);
        }
        headers.add(DlqHeaders.REPLAYED_FROM, (rec.topic() + ":" + rec.partition() + ":" + rec.offset())
                .getBytes(StandardCharsets.UTF_8));
        Long timestamp = rec.timestamp() == ConsumerRecord.NO_TIMESTAMP ? null : rec.timestamp();
        return new ProducerRecord<>(spec.targetTopic(), null, timestamp, rec.key(), rec.value(), headers);
    }

    private static ReplayResult result(ReplaySpec spec, Map<TopicPartition, Counts> counts, List<String> notes,
                                       long startedNanos) {
        List<ReplayResult.PartitionStats> stats = counts.entrySet().stream()
                .map(e -> new ReplayResult.PartitionStats(e.getKey().partition(), e.getValue().start, e.getValue().end,
                        e.getValue().read, e.getValue().matched, e.getValue().written.get()))
                .toList();
        return new ReplayResult(spec.sourceTopic(), spec.targetTopic(), spec.dryRun(), stats, notes,
                Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-replay");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // assigned, no group: nothing to commit
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString()); // skip aborted DLQ writes
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a range cut by retention starts at the log start
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return c;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, "streamrec-replay");
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5); // the most that idempotence keeps in order
        c.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 10);
        return c;
    }

    /** Per-partition bookkeeping; {@code written} is updated from the producer's I/O thread. */
    private static final class Counts {
        final long start;
        final long end;
        long read;
        long matched;
        final AtomicLong written = new AtomicLong();

        Counts(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }
}
