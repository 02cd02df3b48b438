package dev.streamrec.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
 * starts at the producer's send, linger 0, so it covers the append) and each is timed until
 * <ul>
 *   <li><b>served</b>: the user's entry in the recommendations store (what {@code GET
 *   /recommendations/{user}} answers, read through interactive queries by a thread that sweeps the
 *   users with pending events about every millisecond) carries the event's id as its
 *   {@code triggerEventId};</li>
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
                         Cost cost, List<Tick> timeline) {
    }

    /**
     * CPU seconds spent during the phase: by the served poller thread (its store reads), by the app's
     * stream threads, by the whole process (broker and clients included); {@code storeReads}: the
     * poller's interactive-query gets, {@code sweeps}: its passes over the pending users.
     */
    public record Cost(double wallSeconds, double pollerCpuSeconds, double streamThreadsCpuSeconds,
                       double processCpuSeconds, long storeReads, long sweeps) {
    }

    /**
     * One second of the phase: events sent so far, records the stream threads processed so far (their
     * {@code process-total}, every sub-topology), and the events still pending for each figure.
     */
    public record Tick(double seconds, long sent, double processed, long servedPending, long topicPending) {
    }

    record Sent(String userId, String eventId, long nanos) {
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

        void drain(ConcurrentLinkedQueue<Sent> from) {
            for (Sent s; (s = from.poll()) != null; ) {
                add(s);
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
                             int seconds, boolean measureServed) throws InterruptedException {
        ConcurrentLinkedQueue<Sent> toServed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Sent> toTopic = new ConcurrentLinkedQueue<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong sentCount = new AtomicLong();
        AtomicLong servedSettled = new AtomicLong();
        long total = (long) (rate * seconds);
        long[] sendNanos = new long[2];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long streamCpu0 = streamThreadsCpu(threads);
        long processCpu0 = processCpu();
        long wall0 = System.nanoTime();

        Thread sender = Thread.ofPlatform().name("bench-latency-sender").start(() -> {
            Topic<String, UserEvent> topic = Topics.DEFAULT.userEvents().withName(input);
            try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 0,
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
                    if (measureServed) {
                        toServed.add(s);
                    }
                    toTopic.add(s);
                    sentCount.incrementAndGet();
                    producer.send(new ProducerRecord<>(topic.name(), null, e.getTimestamp(), s.userId(), e),
                            (meta, ex) -> {
                                if (ex != null) {
                                    failure.compareAndSet(null, ex);
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

        Pending served = new Pending();
        long[] pollerStats = new long[3]; // cpu ns, store reads, sweeps
        Thread poller = Thread.ofPlatform().name("bench-latency-served").start(() -> {
            if (!measureServed) {
                return;
            }
            long cpu0 = threads.getCurrentThreadCpuTime();
            ReadOnlyKeyValueStore<String, Recommendations> store = app.recommendationsStore();
            long deadline = Long.MAX_VALUE;
            try {
                while (System.nanoTime() < deadline) {
                    served.drain(toServed);
                    if (!sending.get()) {
                        if (served.count == 0) {
                            return;
                        }
                        deadline = Math.min(deadline, System.nanoTime() + GRACE.toNanos());
                    }
                    try {
                        pollerStats[2]++;
                        for (Iterator<String> users = new ArrayList<>(served.byUser.keySet()).iterator(); users.hasNext(); ) {
                            String user = users.next();
                            Recommendations r = store.get(user);
                            pollerStats[1]++;
                            if (r != null) {
                                long before = served.count;
                                served.settle(user, String.valueOf(r.getTriggerEventId()), System.nanoTime());
                                servedSettled.addAndGet(before - served.count);
                            }
                        }
                        Thread.sleep(1);
                    } catch (InvalidStateStoreException e) { // a rebalance: ask for the store again
                        store = app.recommendationsStore();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            } finally {
                pollerStats[0] = threads.getCurrentThreadCpuTime() - cpu0;
            }
        });

        Pending onTopic = new Pending();
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
                    timeline.add(new Tick((now - wall0) / 1e9, sent, processTotal(app),
                            measureServed ? sent - servedSettled.get() : 0, onTopic.count));
                    nextTick += 1_000_000_000L;
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
        Cost cost = new Cost((System.nanoTime() - wall0) / 1e9, pollerStats[0] / 1e9,
                (streamThreadsCpu(threads) - streamCpu0) / 1e9, (processCpu() - processCpu0) / 1e9, pollerStats[1],
                pollerStats[2]);
        return new Result(rate, total, (sendNanos[1] - sendNanos[0]) / 1e9,
                measureServed ? Latency.of(served.latencies, served.count) : Latency.of(List.of(), 0),
                Latency.of(onTopic.latencies, onTopic.count), cost, timeline);
    }

    /** CPU time of the live Kafka Streams stream threads of this JVM, in ns. */
    private static long streamThreadsCpu(ThreadMXBean threads) {
        long sum = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains("-StreamThread-")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    private static long processCpu() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    /** Records processed by the app's stream threads so far (their {@code process-total}, every sub-topology). */
    private static double processTotal(AppUnderTest app) {
        double sum = 0;
        for (var e : app.streams().metrics().entrySet()) {
            if (e.getKey().name().equals("process-total") && e.getKey().group().equals("stream-thread-metrics")
                    && e.getValue().metricValue() instanceof Number n) {
                sum += n.doubleValue();
            }
        }
        return sum;
    }
}
