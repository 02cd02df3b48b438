package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import dev.streamrec.app.health.StreamThreadFailures;
import dev.streamrec.app.topology.History;
import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.ops.replay.ReplayResult;
import dev.streamrec.ops.replay.ReplaySpec;
import dev.streamrec.ops.replay.Replayer;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.DlqHeaders;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.KafkaEventReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 malformed records among 1,000 valid events through the running app on a real broker:
 * random bytes, truncated Avro, wrong schema fingerprints, bit flips, length prefixes claiming up to
 * 2 GB, map counts over 2^31 - 8, and records of about 1 MB. Every valid event must be in its user's
 * history exactly once with one recommendation, every malformed record in the DLQ once with the right
 * reason, the app RUNNING with no stream thread lost and a bounded heap. Then the trainer's reader and
 * {@code replay} run over the same topic and over the DLQ, and must finish, counting what they skipped.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class MalformedInputFuzzIntegrationTest {

    private static final int VALID = 1_000;
    private static final int MALFORMED = 10_000;
    private static final int NEAR_ONE_MB = 10;

    @Test
    void shouldDeadLetterEveryMalformedRecordAndProcessEveryValidOneWhileTheToolsSurviveTheTopic() throws Exception {
        KafkaTestCluster kafka = SharedKafka.cluster();
        TestApp app = new TestApp(kafka.bootstrapServers(), Map.of("streamrec.history.max-events", 10_000));
        HeapWatch heap = new HeapWatch();
        long validViews;
        try {
            // given the valid events and the malformed records, shuffled together
            ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withSeed(21));
            long t0 = System.currentTimeMillis() - VALID * 100L - 60_000;
            Map<String, UserEvent> valid = new HashMap<>();
            List<Object> workload = new ArrayList<>();
            for (int i = 0; i < VALID; i++) {
                UserEvent e = sim.next(t0 + i * 100L);
                valid.put(e.getEventId(), e);
                workload.add(e);
            }
            List<MalformedRecords.Malformed> malformed = new MalformedRecords(21).generate(MALFORMED, NEAR_ONE_MB);
            workload.addAll(malformed);
            validViews = valid.values().stream().filter(e -> e.getType() == EventType.VIEW).count();
            Collections.shuffle(workload, new Random(21));

            // when they are produced while the app runs
            app.start();
            heap.start();
            Map<String, MalformedRecords.Malformed> byOffset = produce(app, workload);

            // then every valid event has exactly one recommendation...
            List<ConsumerRecord<byte[], byte[]>> recs = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("recommendations"))) {
                TestApp.readUntil(c, recs, l -> l.size() >= VALID, Duration.ofSeconds(180), VALID + " recommendations");
                c.poll(Duration.ofSeconds(2)).forEach(recs::add);
            }
            Map<String, Long> perTrigger = recs.stream().map(r -> Serdes.RECOMMENDATIONS.fromBytes(r.value()))
                    .collect(Collectors.groupingBy(Recommendations::getTriggerEventId, Collectors.counting()));
            assertThat(perTrigger.keySet()).as("one list per valid event, none for anything else")
                    .containsExactlyInAnyOrderElementsOf(valid.keySet());
            assertThat(perTrigger.values()).as("exactly one list per valid event").containsOnly(1L);

            // ...every malformed record is in the DLQ once, with its reason and detail...
            List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = app.consumer(app.topic("user-events-dlq"))) {
                TestApp.readUntil(c, dead, l -> l.size() >= MALFORMED, Duration.ofSeconds(120), MALFORMED + " dead letters");
                c.poll(Duration.ofSeconds(2)).forEach(dead::add);
            }
            assertThat(dead).as("one dead letter per malformed record").hasSize(MALFORMED);
            Map<String, Long> kinds = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                String source = TestApp.headerValues(d, DlqHeaders.STREAMS_PARTITION).getFirst() + "/"
                        + TestApp.headerValues(d, DlqHeaders.STREAMS_OFFSET).getFirst();
                MalformedRecords.Malformed m = byOffset.remove(source);
                assertThat(m).as("dead letter %s is a malformed record, dead-lettered once", source).isNotNull();
                assertThat(TestApp.headerValues(d, DlqHeaders.REASON)).as(m.kind()).containsExactly(m.reason().name());
                assertThat(TestApp.headerValues(d, DlqHeaders.DETAIL)).as(m.kind()).containsExactly(m.detail());
                if (m.kind().equals("length-bomb") || m.kind().equals("flipped-count")) {
                    assertThat(m.detail()).as(m.kind()).isEqualTo("LIMIT_EXCEEDED");
                }
                boolean cut = !TestApp.headerValues(d, DlqHeaders.VALUE_TRUNCATED_FROM).isEmpty();
                assertThat(cut ? d.value().length < m.value().length : java.util.Arrays.equals(d.value(), m.value()))
                        .as("original bytes, or a prefix with the truncation header").isTrue();
                kinds.merge(m.kind(), 1L, Long::sum);
            }
            assertThat(byOffset).as("malformed records missing from the DLQ").isEmpty();
            System.out.println("dead letters by kind: " + kinds);

            // ...every valid event is in its user's history exactly once, and the app is healthy
            assertHistory(app, valid);
            assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(app.context().getBean(StreamThreadFailures.class).totalFailures()).as("no stream thread died").isZero();
            heap.stop();
            System.out.println("peak heap used while processing: " + heap.peakMb() + " MB");
            assertThat(heap.peakMb()).as("no decoder bomb inflated the heap (limit -Xmx2g)").isLessThan(1_500);
        } finally {
            heap.stop();
            app.stop();
        }

        // and the tools survive the same topic and its DLQ, counting what they skipped
        long decodableMalformed = 0;
        long decodableMalformedViews = 0;
        for (MalformedRecords.Malformed m : new MalformedRecords(21).generate(MALFORMED, NEAR_ONE_MB)) {
            if (MalformedRecords.decodes(m.value())) {
                decodableMalformed++;
                if (Serdes.USER_EVENT.fromBytes(m.value()).getType() == EventType.VIEW) {
                    decodableMalformedViews++;
                }
            }
        }
        KafkaEventReader reader = new KafkaEventReader(kafka.bootstrapServers(),
                Topics.DEFAULT.userEvents().withName(app.topic("user-events")));
        EventLog events = reader.read(KafkaEventReader.Window.ALL);
        assertThat(events.eventCount()).as("trainer: the valid events and the decodable oversized ones")
                .isEqualTo(VALID + decodableMalformed);
        assertThat(reader.lastSkipped()).as("trainer: every undecodable record skipped and counted")
                .isEqualTo(MALFORMED - decodableMalformed);

        KafkaEventReader dlqReader = new KafkaEventReader(kafka.bootstrapServers(),
                Topics.DEFAULT.userEvents().withName(app.topic("user-events-dlq")));
        EventLog fromDlq = dlqReader.read(KafkaEventReader.Window.ALL);
        assertThat(fromDlq.eventCount() + dlqReader.lastSkipped()).as("trainer over the DLQ: every record read")
                .isEqualTo(MALFORMED);

        String target = app.id + ".replayed";
        kafka.createTopics(2, target);
        Replayer replayer = new Replayer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), null);
        ReplayResult fromTopic = replayer.replay(ReplaySpec.builder(app.topic("user-events"), target)
                .types(Set.of(EventType.VIEW)).build());
        assertThat(fromTopic.read()).isEqualTo(VALID + MALFORMED);
        assertThat(fromTopic.written()).as("replay --type VIEW over the fuzzed topic")
                .isEqualTo(validViews + decodableMalformedViews);
        String skippedNote = (MALFORMED - decodableMalformed) + " records do not decode";
        assertThat(fromTopic.notes()).anyMatch(n -> n.startsWith(skippedNote));

        ReplayResult fromDlq2 = replayer.replay(ReplaySpec.builder(app.topic("user-events-dlq"), target)
                .types(Set.of(EventType.VIEW)).dryRun(true).build());
        assertThat(fromDlq2.read()).as("replay --type over the DLQ reads it all").isEqualTo(MALFORMED);
        assertThat(fromDlq2.notes()).anyMatch(n -> n.contains("records do not decode"));
    }

    /** Produces the workload in order; returns the malformed records by {@code partition/offset}. */
    private static Map<String, MalformedRecords.Malformed> produce(TestApp app, List<Object> workload) throws Exception {
        Map<String, MalformedRecords.Malformed> byOffset = new HashMap<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>(workload.size());
        String topic = app.topic("user-events");
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            for (Object o : workload) {
                if (o instanceof UserEvent e) {
                    sent.add(producer.send(new ProducerRecord<>(topic, e.getUserId().getBytes(StandardCharsets.UTF_8),
                            Serdes.USER_EVENT.toBytes(e))));
                } else {
                    MalformedRecords.Malformed m = (MalformedRecords.Malformed) o;
                    sent.add(producer.send(new ProducerRecord<>(topic, m.key(), m.value())));
                }
            }
            producer.flush();
        }
        for (int i = 0; i < workload.size(); i++) {
            if (workload.get(i) instanceof MalformedRecords.Malformed m) {
                RecordMetadata md = sent.get(i).get();
                byOffset.put(md.partition() + "/" + md.offset(), m);
            }
        }
        return byOffset;
    }

    /**
     * Every valid event once in its user's history. The packed history keeps no event ids, so an
     * event is its user, item, type and time; the comparison counts each such content.
     */
    private static void assertHistory(TestApp app, Map<String, UserEvent> valid) {
        Map<String, Integer> expected = new HashMap<>();
        valid.values().forEach(e -> expected.merge(
                e.getUserId() + "|" + e.getItemId() + "|" + e.getType() + "|" + e.getTimestamp(), 1, Integer::sum));
        Map<String, Integer> inHistory = new HashMap<>();
        ReadOnlyKeyValueStore<String, UserHistory> store = app.streams().store(StoreQueryParameters.fromNameAndType(
                StreamrecTopology.HISTORY_STORE, QueryableStoreTypes.<String, UserHistory>keyValueStore()));
        try (KeyValueIterator<String, UserHistory> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, UserHistory> kv = it.next();
                History h = History.of(kv.value);
                for (int i = 0; i < h.size(); i++) {
                    String c = kv.key + "|" + h.itemId(i) + "|" + h.type(i) + "|" + h.timestamp(i);
                    assertThat(expected).as("history entry %s is a valid event of its user", c).containsKey(c);
                    inHistory.merge(c, 1, Integer::sum);
                }
            }
        }
        assertThat(inHistory).as("every valid event in its user's history, each exactly once").isEqualTo(expected);
    }

    /** Samples the heap in use, to catch a decoder that allocates what a record claims. */
    private static final class HeapWatch {
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running;
        private Thread thread;

        void start() {
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-watch");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
        }

        long peakMb() {
            return peak.get() >> 20;
        }
    }
}
