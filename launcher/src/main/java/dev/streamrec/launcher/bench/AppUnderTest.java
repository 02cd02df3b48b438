package dev.streamrec.launcher.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

import dev.streamrec.app.Application;
import dev.streamrec.app.cli.EventPublisher;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.topology.History;
import dev.streamrec.app.topology.PairStore;
import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.Topics;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One running instance of the app on its own input and recommendations topics, with a
 * {@code read_committed} consumer on the recommendations that stays subscribed for the instance's
 * life, so that every phase (warm-up, measured window, latency probe) counts lists from where the
 * previous one stopped. One recommendation list per input event (the simulator's events are all valid).
 */
public final class AppUnderTest implements AutoCloseable {

    /** How long one phase may wait for its lists before the bench gives up. */
    private static final Duration PHASE_DEADLINE = Duration.ofMinutes(10);
    /**
     * Wait after a measured window before the closing write-volume snapshot: the item-neighbour
     * publication runs on a wall-clock punctuator (covisit.publish-interval, 1 s by default) and
     * writes what the window's events changed after their lists are already out.
     */
    static final Duration SETTLE = Duration.ofSeconds(2);
    /** No record processed for this long: the app is idle ({@link #awaitIdle}). */
    static final Duration IDLE = Duration.ofSeconds(1);
    /** Longest wait for the app to go idle. */
    static final Duration MAX_DRAIN = Duration.ofMinutes(5);

    /** What a measured window wrote and how fast it went; {@code otherLists}: lists not ranked by the expected model. */
    public record Window(long events, double seconds, long records, long bytes, Map<String, long[]> perTopic,
                         long otherLists, double streamThreadsCpuSeconds, double processCpuSeconds, Drain drain,
                         double fullStreamThreadsCpuSeconds, double fullProcessCpuSeconds,
                         long fullStreamThreadsAllocatedBytes) {
        /** Events over the time until their lists were readable (the user side's rate). */
        public double eventsPerSecond() {
            return events / seconds;
        }

        /**
         * Events over the time until the app was idle again (the lists' time plus the item side's drain): the
         * rate the whole pipeline sustains, the co-visitation and trending updates included.
         */
        public double sustainedEventsPerSecond() {
            return events / (seconds + drain.seconds());
        }

        /** Stream-thread CPU per event until the app was idle again (the item side's included), in ms. */
        public double fullStreamCpuMsPerEvent() {
            return fullStreamThreadsCpuSeconds * 1e3 / events;
        }

        /** Whole-process CPU per event until the app was idle again, in ms. */
        public double fullProcessCpuMsPerEvent() {
            return fullProcessCpuSeconds * 1e3 / events;
        }

        /**
         * Bytes the stream threads allocated per event until the app was idle again, in KB (NaN where the JVM does
         * not tell).
         */
        public double fullStreamAllocatedKbPerEvent() {
            return fullStreamThreadsAllocatedBytes < 0 ? Double.NaN : fullStreamThreadsAllocatedBytes / 1e3 / events;
        }

        /** Stream-thread CPU per event, in ms. */
        public double streamCpuMsPerEvent() {
            return streamThreadsCpuSeconds * 1e3 / events;
        }

        /** Whole-process CPU (broker included) per event, in ms. */
        public double processCpuMsPerEvent() {
            return processCpuSeconds * 1e3 / events;
        }

        public double recordsPerEvent() {
            return (double) records / events;
        }

        public double bytesPerEvent() {
            return (double) bytes / events;
        }
    }

    /** The co-visit pair store's fill: pairs and items. */
    public record PairFill(long pairs, long items) {
        public double pairsPerItem() {
            return items == 0 ? 0 : (double) pairs / items;
        }
    }

    /** The history store's fill: stored bytes per held event, users and events held. */
    public record HistoryFill(double bytesPerEvent, long users, long events) {
        public double eventsPerUser() {
            return users == 0 ? 0 : (double) events / users;
        }
    }

    private final String bootstrap;
    private final String input;
    private final ApplicationContext ctx;
    private final KafkaStreams streams;
    private final KafkaConsumer<byte[], byte[]> recs;
    private final Admin admin;
    private long listsSeen;

    /**
     * Starts the app with {@code properties} (which name its topics) and waits until Kafka Streams runs.
     *
     * @param input the input topic named in {@code properties}, created beforehand
     * @param recommendations the recommendations topic named in {@code properties}
     */
    public AppUnderTest(String bootstrap, Map<String, Object> properties, String input, String recommendations)
            throws InterruptedException {
        this.bootstrap = bootstrap;
        this.input = input;
        this.ctx = Application.start(properties);
        this.streams = ctx.getBean(KafkaStreams.class);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-recs-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.recs = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.recs.subscribe(List.of(recommendations));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka Streams not RUNNING within 2 minutes: " + streams.state());
            }
            Thread.sleep(20);
        }
    }

    public KafkaStreams streams() {
        return streams;
    }

    public ModelManager models() {
        return ctx.getBean(ModelManager.class);
    }

    /** The recommendations store of one input partition, as {@code GET /recommendations/{user}} reads it for its key. */
    public ReadOnlyKeyValueStore<String, Recommendations> recommendationsStore(int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(StreamrecTopology.RECOMMENDATIONS_STORE,
                QueryableStoreTypes.<String, Recommendations>keyValueStore()).withPartition(partition));
    }

    /** The next lists on the recommendations topic (committed only), counted as seen. */
    public List<Recommendations> poll(Duration timeout) {
        List<Recommendations> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : recs.poll(timeout)) {
            out.add(Serdes.RECOMMENDATIONS.fromBytes(r.value()));
        }
        listsSeen += out.size();
        return out;
    }

    /** Publishes {@code events} while the app runs and waits for their lists: fills graph and histories. */
    public void feed(List<UserEvent> events, String label) {
        publish(events, label + ": publish");
        awaitLists(events.size(), label, null);
    }

    /**
     * Times the app over {@code events} alone: processing is paused while they are published, the
     * write-volume snapshot is taken, and the clock runs from resume until the last of their lists is
     * readable (read_committed). The app is first left to go idle, so that no earlier backlog counts; after
     * the lists it is left to go idle again (the item side catches up behind the lists: {@link Window#drain})
     * and, {@link #SETTLE} later (the last neighbour publication), a second snapshot of what the app's
     * producers sent ({@link #produced}) gives all the events wrote to every topic, the item side's writes
     * included.
     *
     * @param modelVersion the model expected to rank the lists (others are counted), or null
     */
    public Window measure(List<UserEvent> events, String label, String modelVersion) throws Exception {
        awaitIdle(IDLE, MAX_DRAIN);
        streams.pause();
        publish(events, label + ": publish");
        Map<String, long[]> before = produced();
        long start = System.nanoTime();
        long streamCpu = CpuTime.streamThreads();
        long processCpu = CpuTime.process();
        long streamAllocated = CpuTime.streamThreadsAllocated();
        streams.resume();
        long other = awaitLists(events.size(), label, modelVersion);
        double seconds = (System.nanoTime() - start) / 1e9;
        long streamCpuLists = CpuTime.streamThreads() - streamCpu;
        long processCpuLists = CpuTime.process() - processCpu;
        Drain drain = awaitIdle(IDLE, MAX_DRAIN);
        long streamCpuAll = CpuTime.streamThreads() - streamCpu;
        long processCpuAll = CpuTime.process() - processCpu;
        long streamAllocatedAll = streamAllocated < 0 ? -1 : CpuTime.streamThreadsAllocated() - streamAllocated;
        Thread.sleep(SETTLE.toMillis());
        Map<String, long[]> growth = new TreeMap<>();
        produced().forEach((topic, now) -> {
            long[] then = before.getOrDefault(topic, new long[2]);
            growth.put(topic, new long[] {now[0] - then[0], now[1] - then[1]});
        });
        growth.remove(input);
        growth.values().removeIf(a -> a[0] == 0 && a[1] == 0);
        long[] total = new long[2];
        growth.values().forEach(a -> {
            total[0] += a[0];
            total[1] += a[1];
        });
        return new Window(events.size(), seconds, total[0], total[1], growth, other, streamCpuLists / 1e9,
                processCpuLists / 1e9, drain, streamCpuAll / 1e9, processCpuAll / 1e9, streamAllocatedAll);
    }

    /**
     * Records and bytes the app's producers have sent so far, per topic ({@code producer-topic-metrics}
     * {@code record-send-total} and {@code byte-total}: batch bytes as sent, batch overhead included, no
     * transaction markers). Counted at the producers rather than from the brokers' log sizes, which shrink
     * as Kafka Streams purges repartition records and the cleaner compacts changelogs during a window.
     */
    private Map<String, long[]> produced() {
        Map<String, long[]> out = new TreeMap<>();
        for (var e : streams.metrics().entrySet()) {
            var name = e.getKey();
            String topic = name.tags().get("topic");
            if (topic == null || !name.group().equals("producer-topic-metrics")
                    || !(e.getValue().metricValue() instanceof Number n)) {
                continue;
            }
            if (name.name().equals("record-send-total")) {
                out.computeIfAbsent(topic, t -> new long[2])[0] += n.longValue();
            } else if (name.name().equals("byte-total")) {
                out.computeIfAbsent(topic, t -> new long[2])[1] += n.longValue();
            }
        }
        return out;
    }

    /** Records processed by the app's stream threads so far (their {@code process-total}, every sub-topology). */
    public double recordsProcessed() {
        return metrics("stream-thread-metrics", "process-total"::equals).getOrDefault("process-total", 0.0);
    }

    /**
     * The app's numeric Kafka metrics of one group (e.g. {@code stream-thread-metrics}, {@code producer-metrics})
     * whose name passes {@code names}, by name over its threads and clients: the largest of a {@code *-max},
     * the sum of anything else.
     */
    public Map<String, Double> metrics(String group, Predicate<String> names) {
        Map<String, Double> out = new TreeMap<>();
        for (var e : streams.metrics().entrySet()) {
            String name = e.getKey().name();
            if (e.getKey().group().equals(group) && names.test(name) && e.getValue().metricValue() instanceof Number n) {
                out.merge(name, n.doubleValue(), name.endsWith("-max") ? Math::max : Double::sum);
            }
        }
        return out;
    }

    /** What {@link #awaitIdle} waited for: records processed meanwhile and seconds. */
    public record Drain(double records, double seconds) {
    }

    /**
     * Waits until the stream threads process no record for {@code quiet} (at most {@code max}): the lists
     * of a window are out before its item side (the co-visitation and trending updates behind the
     * item-signals repartition) has caught up, and a phase started then would measure that backlog.
     */
    public Drain awaitIdle(Duration quiet, Duration max) throws InterruptedException {
        long start = System.nanoTime();
        double first = recordsProcessed();
        double last = first;
        long lastChange = start;
        while (System.nanoTime() - lastChange < quiet.toNanos() && System.nanoTime() - start < max.toNanos()) {
            Thread.sleep(50);
            double now = recordsProcessed();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            }
        }
        return new Drain(last - first, (lastChange - start) / 1e9);
    }

    /** Stored history bytes per held event over the whole history store, with its users and events. */
    public HistoryFill history() {
        ReadOnlyKeyValueStore<String, UserHistory> store = streams.store(StoreQueryParameters.fromNameAndType(
                StreamrecTopology.HISTORY_STORE, QueryableStoreTypes.<String, UserHistory>keyValueStore()));
        long[] usersAndEvents = new long[2];
        double bytesPerEvent;
        try (KeyValueIterator<String, UserHistory> all = store.all()) {
            bytesPerEvent = History.storedBytesPerEvent(new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return all.hasNext();
                }

                @Override
                public UserHistory next() {
                    UserHistory h = all.next().value;
                    usersAndEvents[0]++;
                    usersAndEvents[1] += History.of(h).size();
                    return h;
                }
            });
        }
        return new HistoryFill(bytesPerEvent, usersAndEvents[0], usersAndEvents[1]);
    }

    /**
     * The co-visit pair store's fill over all of the app's tasks: pairs and the items they belong to (what sizes
     * the heap with {@code streamrec.covisit.store=in-memory}).
     */
    public PairFill pairs() {
        ReadOnlyKeyValueStore<Bytes, byte[]> store = streams.store(StoreQueryParameters.fromNameAndType(
                StreamrecTopology.COVISIT_STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        long pairs = 0;
        long items = 0;
        String lastItem = null;
        try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
            while (all.hasNext()) {
                String item = PairStore.itemOf(all.next().key.get());
                pairs++;
                if (!item.equals(lastItem)) { // one item's keys are adjacent
                    items++;
                    lastItem = item;
                }
            }
        }
        return new PairFill(pairs, items);
    }

    private void publish(List<UserEvent> events, String label) {
        try (EventPublisher publisher = new EventPublisher(bootstrap, Topics.DEFAULT.userEvents().withName(input));
             ProgressBar progress = new ProgressBar("bench: " + label, events.size())) {
            for (UserEvent e : events) {
                publisher.send(e);
                progress.step(1);
            }
            publisher.flush();
        }
    }

    /** Reads {@code n} more lists; returns how many were not ranked by {@code modelVersion} (0 without one). */
    private long awaitLists(long n, String label, String modelVersion) {
        long target = listsSeen + n;
        long other = 0;
        Map<String, Long> versions = new HashMap<>();
        long deadline = System.nanoTime() + PHASE_DEADLINE.toNanos();
        try (ProgressBar progress = new ProgressBar("bench: " + label, n)) {
            while (listsSeen < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "%s: %,d of %,d lists within %s",
                            label, n - (target - listsSeen), n, PHASE_DEADLINE));
                }
                List<Recommendations> batch = poll(Duration.ofMillis(100));
                if (modelVersion != null) {
                    for (Recommendations r : batch) {
                        if (!modelVersion.equals(String.valueOf(r.getModelVersion()))) {
                            other++;
                            versions.merge(String.valueOf(r.getModelVersion()), 1L, Long::sum);
                        }
                    }
                }
                progress.step(batch.size());
            }
        }
        if (other > 0) {
            System.out.printf(Locale.ROOT, "%nbench: %s: %,d lists not ranked by model %s (by version: %s)%n", label,
                    other, modelVersion, versions);
        }
        return other;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        recs.close();
        ctx.close();
    }
}
