package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Shared by the hot-swap integration tests: simulated events over the items the test models know,
 * model announcements, and the exactly-once / forward-only checks on the recommendations topic.
 */
final class SwapWorkload {

    private SwapWorkload() {
    }

    /** {@code count} valid events of 2,000 simulated users over the models' 150 items, ending a minute ago. */
    static List<UserEvent> events(int count, long seed) {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(2_000)
                .withItems(TrainedModels.ITEMS).withSeed(seed));
        long t0 = System.currentTimeMillis() - count * 5L - 60_000;
        List<UserEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(sim.next(t0 + i * 5L));
        }
        return out;
    }

    static void produce(TestApp app, List<UserEvent> events) {
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            for (UserEvent e : events) {
                producer.send(new ProducerRecord<>(app.topic("user-events"), null, e.getTimestamp(),
                        e.getUserId().getBytes(StandardCharsets.UTF_8), Serdes.USER_EVENT.toBytes(e)));
            }
            producer.flush();
        }
    }

    static void publish(TestApp app, ModelPublished p) {
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            producer.send(new ProducerRecord<>(app.topic("model-updates"), p.getName().getBytes(StandardCharsets.UTF_8),
                    Serdes.MODEL_PUBLISHED.toBytes(p)));
            producer.flush();
        }
    }

    /** Reads committed recommendations into {@code into} until {@code done}, or fails at the deadline. */
    static void readUntil(KafkaConsumer<byte[], byte[]> c, List<ConsumerRecord<byte[], byte[]>> into,
                          Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout, String what) {
        TestApp.readUntil(c, into, done, timeout, what);
    }

    /**
     * Every event has exactly one list and nothing else was produced; only {@code allowed} versions
     * appear, and within each partition (one task, in order) versions only move forward through
     * {@code allowed} (given oldest first).
     *
     * @return lists per version, in first-seen order
     */
    static Map<String, Long> verify(List<ConsumerRecord<byte[], byte[]>> records, List<UserEvent> events,
                                    List<String> allowed) {
        Map<String, Long> perTrigger = new HashMap<>();
        Map<Integer, List<String>> versionsByPartition = new HashMap<>();
        Map<String, Long> perVersion = new java.util.LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            Recommendations recs = Serdes.RECOMMENDATIONS.fromBytes(r.value());
            perTrigger.merge(recs.getTriggerEventId(), 1L, Long::sum);
            versionsByPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(recs.getModelVersion());
            perVersion.merge(recs.getModelVersion(), 1L, Long::sum);
        }
        Set<String> expected = events.stream().map(UserEvent::getEventId).collect(Collectors.toSet());
        assertThat(perTrigger.keySet()).as("one list per valid event, none for anything else")
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(perTrigger.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList())
                .as("events with more than one list").isEmpty();
        assertThat(records).hasSize(events.size());
        assertThat(perVersion.keySet()).as("versions in the output").isSubsetOf(allowed);
        versionsByPartition.forEach((partition, versions) -> {
            List<String> distinct = new ArrayList<>(new LinkedHashSet<>(versions));
            List<Integer> ranks = distinct.stream().map(allowed::indexOf).toList();
            assertThat(ranks).as("versions in partition %d move forward only: %s", partition, distinct).isSorted();
            int last = -1;
            for (String v : versions) { // no going back after moving on
                int rank = allowed.indexOf(v);
                assertThat(rank).as("partition %d went back to %s", partition, v).isGreaterThanOrEqualTo(last);
                last = rank;
            }
        });
        return perVersion;
    }
}
