package dev.streamrec.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.topics.Topic;
import dev.streamrec.topics.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Offered-rate latency of a running {@link AppUnderTest}: events are sent at a fixed rate (the clock
 * starts at the producer's send, linger 0 unless told otherwise, so it covers the append) and each is timed until
 * <ul>
 *   <li><b>served</b>: the user's entry in the recommendations store (what {@code GET
 *   /recommendations/{user}} answers: the store of the key's partition, read through interactive
 *   queries about every millisecond, oldest pending event of each partition first, see
 *   {@link ServedWatch}) carries the event's id as its {@code triggerEventId};</li>
 *   <li><b>topic</b>: a list with that {@code triggerEventId} is readable on the recommendations topic
 *   by a {@code read_committed} consumer.</li>
 * </ul>
 * A list triggered by a later event of the same user also settles that user's earlier pending
 * events (a list reflects every event before its trigger), so coalescing never leaves an event
 * unresolved. Events still pending 30 s after the last send are counted as unresolved.
 */
public final class LatencyProbe {

    private static final Duration GRACE = Duration.ofSeconds(30);

    /** Percentiles in milliseconds; {@code unresolved}: events never seen reflected. */
    public record Latency(double p50, double p99, double max, long resolved, long unresolved) {
        static Latency of(List<Long> nanos, long unresolved) {
            long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                return new Latency(Double.NaN, Double.NaN, Double.NaN, 0, unresolved);
            }
            return new Latency(rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1] / 1e6, sorted.length,
                    unresolved);
        }

        /** Nearest-rank percentile, in ms. */
        private static double rank(long[] sorted, double q) {
            int i = (int) Math.ceil(q * sorted.length) - 1;
            return sorted[Math.max(0, i)] / 1e6;
        }
    }

    /** Both figures of one probe and what was offered, with what the probe itself cost. */
    public record Result(double offeredPerSecond, long sent, double sendSeconds, Latency served, Latency topic,
                         Cost cost, List<Tick> timeline, Map<String, Double> threadMetrics) {
    }

    /**
     * CPU seconds spent during the phase: by the served poller thread (its store reads), by the app's
     * stream threads, by the whole process (broker and clients included); {@code storeReads}: the
     * poller's interactive-query gets, {@code sweeps}: its passes over the pending users; the bytes the
     * stream threads allocated (-1 where the JVM does not tell) and the JVM's collections during the
     * phase per collector ({@link CpuTime#gcSince}): a young pause stops broker, app and load generator alike;
     * the JIT compilers' time ({@link CpuTime#jitMillis}) and the in-process broker's requests by API
     * ({@link BrokerRequests}); {@code commitParts}: the stream threads' commits in the phase and, per commit,
     * the ms their producers spent in flush (awaiting the acks of what the commit sent), in sending the
     * offsets to the transaction and in committing it ({@link #commitParts}): the rest of a commit's latency
     * is the record caches' flush and the thread's own work.
     */
    public record Cost(double wallSeconds, double pollerCpuSeconds, double streamThreadsCpuSeconds,
                       double processCpuSeconds, long storeReads, long sweeps, long streamThreadsAllocatedBytes,
                       Map<String, Map<String, Long>> gc, long jitMillis, Map<String, Long> brokerRequests,
                       Map<String, Double> commitParts) {
    }

    /**
     * One second of the phase: events sent so far, records the stream threads processed so far (their
     * {@code process-total}, every sub-topology), and the events still pending for each figure.
     */
    public record Tick(double seconds, long sent, double processed, long servedPending, long topicPending) {
    }

    record Sent(String userId, String eventId, long nanos) {
    }

    /** An event the broker acknowledged, with the partition it went to. */
    record Placed(Sent sent, int partition) {
    }

    /** Events awaiting their reflection, per user in send order. Used by one thread each. */
    static final class Pending {
        private final Map<String, ArrayDeque<Sent>> byUser = new HashMap<>();
        final List<Long> latencies = new ArrayList<>();
        long count;

        void add(Sent s) {
            byUser.computeIfAbsent(s.userId(), u -> new ArrayDeque<>()).add(s);
            count++;
        }

        /** Settles {@code triggerEventId} and the user's events sent before it, if it is pending. */
        void settle(String userId, String triggerEventId, long now) {
            ArrayDeque<Sent> q = byUser.get(userId);
            if (q == null || q.stream().noneMatch(s -> s.eventId().equals(triggerEventId))) {
                return;
            }
            Sent s;
            do {
                s = q.removeFirst();
                latencies.add(now - s.nanos());
                count--;
            } while (!s.eventId().equals(triggerEventId));
            if (q.isEmpty()) {
                byUser.remove(userId);
            }
        }

        boolean isPending(Sent s) {
            ArrayDeque<Sent> q = byUser.get(s.userId());
            return q != null && q.contains(s);
        }

        void drain(ConcurrentLinkedQueue<Sent> from) {
            for (Sent s; (s = from.poll()) != null; ) {
                add(s);
            }
        }
    }

    /** The {@code triggerEventId} of the list the store holds for {@code userId} in {@code partition}, or null. */
    @FunctionalInterface
    interface TriggerReader {
        String trigger(int partition, String userId);
    }

    /**
     * Which users the served side reads on each sweep. A task processes its partition in offset order,
     * and every event of the simulator yields a list, so an event can be reflected only after every
     * earlier event of its partition: a sweep reads, partition by partition, the user of the oldest
     * pending event, and on to the next ones while they are reflected. Every {@link #DEEP_EVERY}th sweep
     * reads up to {@link #DEEP} unreflected events per partition, so that a list written out of order
     * or an event that yields none delays the figure by one deep sweep at most instead of stalling the
     * partition. A sweep thus costs about one read per partition plus one per event settled, however
     * long the queue; reading every pending user on each sweep (the probe before) took, once a queue
     * formed, as much CPU as the app's stream threads and so fed the queue. The figure stays an upper
     * bound: an event counts as served when a sweep first sees it.
     */
    static final class ServedWatch {
        /** Unreflected events read per partition on a deep sweep, and how often a sweep is deep. */
        static final int DEEP = 8;
        static final int DEEP_EVERY = 50;

        final Pending pending = new Pending();
        private final Map<Integer, ArrayDeque<Sent>> byPartition = new TreeMap<>();
        long reads;
        long sweeps;

        void add(Sent s, int partition) {
            pending.add(s);
            byPartition.computeIfAbsent(partition, p -> new ArrayDeque<>()).add(s);
        }

        /** One sweep over the partitions, reading through {@code store}; {@code clock} gives the settle time in ns. */
        void sweep(TriggerReader store, LongSupplier clock) {
            int heads = sweeps % DEEP_EVERY == 0 ? DEEP : 1;
            sweeps++;
            Set<String> read = new HashSet<>();
            for (Map.Entry<Integer, ArrayDeque<Sent>> e : byPartition.entrySet()) {
                int waiting = 0;
                for (Iterator<Sent> it = e.getValue().iterator(); it.hasNext() && waiting < heads; ) {
                    Sent s = it.next();
                    if (pending.isPending(s) && read.add(s.userId())) {
                        String trigger = store.trigger(e.getKey(), s.userId());
                        reads++;
                        if (trigger != null) {
                            pending.settle(s.userId(), trigger, clock.getAsLong());
                        }
                    }
                    if (pending.isPending(s)) {
                        waiting++;
                    } else {
                        it.remove();
                    }
                }
            }
        }
    }

    private LatencyProbe() {
    }

    /**
     * Offers {@code rate} events/s from {@code simulator} (stamped with the wall clock) for {@code seconds}
     * to {@code app}'s input topic {@code input}; without {@code served}, only the topic latency is taken
     * (no store reads: shows what the served poller costs the app).
     */
    public static Result run(AppUnderTest app, String bootstrap, String input, ShopperSimulator simulator, double rate,
                             int seconds, boolean measureServed, int lingerMs) throws InterruptedException {
        ConcurrentLinkedQueue<Placed> toServed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Sent> toTopic = new ConcurrentLinkedQueue<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong sentCount = new AtomicLong();
        AtomicLong servedSettled = new AtomicLong();
        long total = (long) (rate * seconds);
        long[] sendNanos = new long[2];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long streamCpu0 = CpuTime.streamThreads();
        long processCpu0 = CpuTime.process();
        long allocated0 = CpuTime.streamThreadsAllocated();
        Map<String, long[]> gc0 = CpuTime.gc();
        long jit0 = CpuTime.jitMillis();
        Map<String, Long> requests0 = BrokerRequests.counts();
        Map<String, Double> commit0 = commitParts(app);
        long wall0 = System.nanoTime();

        Thread sender = Thread.ofPlatform().name("bench-latency-sender").start(() -> {
            Topic<String, UserEvent> topic = Topics.DEFAULT.userEvents().withName(input);
            try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, lingerMs,
                    ProducerConfig.CLIENT_ID_CONFIG, "bench-latency"),
                    topic.keySerde().serializer(), topic.valueSerde().serializer())) {
                long start = System.nanoTime();
                sendNanos[0] = start;
                for (long n = 0; n < total && failure.get() == null; n++) {
                    long wait = start + (long) (n * 1e9 / rate) - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    UserEvent e = simulator.next(System.currentTimeMillis());
                    Sent s = new Sent(String.valueOf(e.getUserId()), String.valueOf(e.getEventId()), System.nanoTime());
                    toTopic.add(s);
                    sentCount.incrementAndGet();
                    // The served side needs the partition (callbacks of one partition run in offset order).
                    producer.send(new ProducerRecord<>(topic.name(), null, e.getTimestamp(), s.userId(), e),
                            (meta, ex) -> {
                                if (ex != null) {
                                    failure.compareAndSet(null, ex);
                                } else if (measureServed) {
                                    toServed.add(new Placed(s, meta.partition()));
                                }
                            });
                }
                producer.flush();
                sendNanos[1] = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            } finally {
                sending.set(false);
            }
        });

        ServedWatch served = new ServedWatch();
        long[] pollerCpu = new long[1];
        Thread poller = Thread.ofPlatform().name("bench-latency-served").start(() -> {
            if (!measureServed) {
                return;
            }
            long cpu0 = threads.getCurrentThreadCpuTime();
            // What GET /recommendations/{user} reads: the store of the key's partition only (StoreQueries).
            Map<Integer, ReadOnlyKeyValueStore<String, Recommendations>> stores = new HashMap<>();
            TriggerReader reader = (partition, user) -> {
                Recommendations r = stores.computeIfAbsent(partition, app::recommendationsStore).get(user);
                return r == null ? null : String.valueOf(r.getTriggerEventId());
            };
            long deadline = Long.MAX_VALUE;
            try {
                while (System.nanoTime() < deadline) {
                    for (Placed p; (p = toServed.poll()) != null; ) {
                        served.add(p.sent(), p.partition());
                    }
                    if (!sending.get() && toServed.isEmpty()) {
                        if (served.pending.count == 0) {
                            return;
                        }
                        deadline = Math.min(deadline, System.nanoTime() + GRACE.toNanos());
                    }
                    try {
                        long before = served.pending.count;
                        served.sweep(reader, System::nanoTime);
                        servedSettled.addAndGet(before - served.pending.count);
                        Thread.sleep(1);
                    } catch (InvalidStateStoreException e) { // a rebalance: ask for the stores again
                        stores.clear();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            } finally {
                pollerCpu[0] = threads.getCurrentThreadCpuTime() - cpu0;
            }
        });

        Pending onTopic = new Pending();
        Map<String, Double> threadMetrics = new TreeMap<>();
        List<Tick> timeline = new ArrayList<>();
        long nextTick = wall0 + 1_000_000_000L;
        try (ProgressBar progress = new ProgressBar(String.format("bench: latency at %.0f events/s", rate), total)) {
            long deadline = Long.MAX_VALUE;
            while (System.nanoTime() < deadline) {
                if (failure.get() != null) {
                    throw new IllegalStateException("latency probe: send failed: " + failure.get().getMessage(),
                            failure.get());
                }
                boolean done = !sending.get();
                List<Recommendations> batch = app.poll(Duration.ofMillis(20));
                long now = System.nanoTime();
                onTopic.drain(toTopic);
                long before = onTopic.count;
                for (Recommendations r : batch) {
                    onTopic.settle(String.valueOf(r.getUserId()), String.valueOf(r.getTriggerEventId()), now);
                }
                progress.step(Math.max(0, before - onTopic.count));
                if (now >= nextTick) {
                    long sent = sentCount.get();
                    timeline.add(new Tick((now - wall0) / 1e9, sent, app.recordsProcessed(),
                            measureServed ? sent - servedSettled.get() : 0, onTopic.count));
                    nextTick += 1_000_000_000L;
                }
                if (done && threadMetrics.isEmpty()) {
                    threadMetrics.putAll(threadMetrics(app));
                }
                if (done) {
                    onTopic.drain(toTopic);
                    if (onTopic.count == 0) {
                        break;
                    }
                    deadline = Math.min(deadline, now + GRACE.toNanos());
                }
            }
        } finally {
            sender.join();
            poller.join();
        }
        Cost cost = new Cost((System.nanoTime() - wall0) / 1e9, pollerCpu[0] / 1e9,
                (CpuTime.streamThreads() - streamCpu0) / 1e9, (CpuTime.process() - processCpu0) / 1e9, served.reads,
                served.sweeps, allocated0 < 0 ? -1 : CpuTime.streamThreadsAllocated() - allocated0, CpuTime.gcSince(gc0),
                CpuTime.jitMillis() - jit0, BrokerRequests.since(requests0), perCommit(commit0, commitParts(app)));
        return new Result(rate, total, (sendNanos[1] - sendNanos[0]) / 1e9,
                measureServed ? Latency.of(served.pending.latencies, served.pending.count) : Latency.of(List.of(), 0),
                Latency.of(onTopic.latencies, onTopic.count), cost, timeline, threadMetrics);
    }

    /** Producer time totals of the transaction's steps (KafkaProducerMetrics, ns) and the threads' commit count. */
    private static Map<String, Double> commitParts(AppUnderTest app) {
        Map<String, Double> out = app.metrics("producer-metrics", Set.of("flush-time-ns-total",
                "txn-send-offsets-time-ns-total", "txn-commit-time-ns-total")::contains);
        out.putAll(app.metrics("stream-thread-metrics", "commit-total"::equals));
        return out;
    }

    /** The commits between two {@link #commitParts} readings and each step's mean ms per commit. */
    static Map<String, Double> perCommit(Map<String, Double> before, Map<String, Double> after) {
        double commits = after.getOrDefault("commit-total", 0.0) - before.getOrDefault("commit-total", 0.0);
        Map<String, Double> out = new TreeMap<>();
        out.put("commits", commits);
        for (String step : List.of("flush", "txn-send-offsets", "txn-commit")) {
            String key = step + "-time-ns-total";
            double ns = after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
            // JSON keys in snake case like the rest of the report: txn_commit_ms_per_commit.
            out.put(step.replace('-', '_') + "_ms_per_commit", commits > 0 ? ns / 1e6 / commits : Double.NaN);
        }
        return out;
    }

    /**
     * Where the stream threads' time went as the sending ended (Kafka Streams' windowed thread metrics,
     * summed or maxed over threads): {@code *-ratio} of wall time in process/punctuate/poll/commit, and
     * commit, punctuate and poll latencies in ms.
     */
    private static Map<String, Double> threadMetrics(AppUnderTest app) {
        return app.metrics("stream-thread-metrics", name -> name.endsWith("-ratio") || name.endsWith("-latency-avg")
                || name.endsWith("-latency-max") || name.equals("poll-records-avg") || name.equals("process-records-avg"));
    }

}
