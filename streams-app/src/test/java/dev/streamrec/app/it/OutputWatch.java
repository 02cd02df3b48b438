package dev.streamrec.app.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the recommendations topic read_committed from the beginning in a background thread, and
 * notes when each list became visible, so a test can tell when the output stopped and resumed while
 * its main thread stops brokers or instances.
 */
final class OutputWatch implements AutoCloseable {

    /** One committed list and the wall-clock time this reader saw it. */
    record Seen(ConsumerRecord<byte[], byte[]> record, String triggerEventId, long atMillis) {
    }

    private final List<Seen> seen = new ArrayList<>();
    private final Map<String, Long> firstSeenAt = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopped;

    OutputWatch(String bootstrap, String topic) {
        this(bootstrap, topic, Map.of());
    }

    OutputWatch(String bootstrap, String topic, Map<String, String> clientSettings) {
        Map<String, Object> config = new java.util.HashMap<>(clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // assigned, not subscribed: no consumer group, so the reader's own coordinator never stalls it
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(() -> {
            try (consumer) {
                while (!stopped) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.currentTimeMillis();
                        String trigger = Serdes.RECOMMENDATIONS.fromBytes(r.value()).getTriggerEventId();
                        synchronized (seen) {
                            seen.add(new Seen(r, trigger, now));
                        }
                        firstSeenAt.putIfAbsent(trigger, now);
                    }
                }
            }
        }, "output-watch");
        thread.setDaemon(true);
        thread.start();
    }

    List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return seen().stream().map(Seen::record).toList();
    }

    int count() {
        synchronized (seen) {
            return seen.size();
        }
    }

    /** When the list for {@code eventId} was first seen, or null. */
    Long seenAt(String eventId) {
        return firstSeenAt.get(eventId);
    }

    /**
     * The longest time between {@code fromMillis} and {@code toMillis} in which no new list became
     * visible (from the start of the window to the first list, between lists, from the last to the
     * end): how long the output stood still, whatever backlog the app was working through.
     */
    long longestGapMillis(long fromMillis, long toMillis) {
        long previous = fromMillis;
        long longest = 0;
        for (Seen s : seen()) {
            if (s.atMillis() < fromMillis || s.atMillis() > toMillis) {
                continue;
            }
            longest = Math.max(longest, s.atMillis() - previous);
            previous = s.atMillis();
        }
        return Math.max(longest, toMillis - previous);
    }

    /**
     * Lists seen per {@code bucketMillis} since {@code originMillis}, as "+0s:200 +1s:198 ...": shows
     * when the output stalled and how it caught up.
     */
    String timeline(long originMillis, long bucketMillis) {
        java.util.TreeMap<Long, Integer> buckets = new java.util.TreeMap<>();
        for (Seen s : seen()) {
            if (s.atMillis() >= originMillis) {
                buckets.merge((s.atMillis() - originMillis) / bucketMillis, 1, Integer::sum);
            }
        }
        long last = buckets.isEmpty() ? 0 : buckets.lastKey();
        StringBuilder out = new StringBuilder();
        for (long b = 0; b <= last; b++) {
            out.append(String.format("+%ds:%d ", b * bucketMillis / 1000, buckets.getOrDefault(b, 0)));
        }
        return out.toString().trim();
    }

    /** Waits until {@code done} holds for the lists seen so far, or fails at the deadline. */
    void await(Predicate<List<Seen>> done, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(seen())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " (have " + count() + " lists)");
            }
            sleep(50);
        }
    }

    /** Waits until a list has been seen for each of {@code eventIds}. */
    void awaitLists(List<String> eventIds, Duration timeout, String what) {
        await(s -> eventIds.stream().allMatch(firstSeenAt::containsKey), timeout, what);
    }

    /**
     * Every event in {@code sent} has exactly one list and there is no other list (what exactly-once
     * promises), whatever model ranked it.
     *
     * @return lists per model version
     */
    Map<String, Long> assertExactlyOneListPerEvent(List<dev.streamrec.avro.UserEvent> sent) {
        Map<String, Long> perTrigger = new java.util.HashMap<>();
        Map<String, Long> perVersion = new java.util.TreeMap<>();
        for (Seen s : seen()) {
            perTrigger.merge(s.triggerEventId(), 1L, Long::sum);
            perVersion.merge(Serdes.RECOMMENDATIONS.fromBytes(s.record().value()).getModelVersion(), 1L, Long::sum);
        }
        java.util.Set<String> expected = new java.util.HashSet<>();
        sent.forEach(e -> expected.add(e.getEventId()));
        org.assertj.core.api.Assertions.assertThat(perTrigger.keySet()).as("one list per event sent, none for anything else")
                .containsExactlyInAnyOrderElementsOf(expected);
        org.assertj.core.api.Assertions.assertThat(perTrigger.entrySet().stream().filter(e -> e.getValue() != 1)
                .map(Map.Entry::getKey).toList()).as("events with more than one list").isEmpty();
        return perVersion;
    }

    /** Waits until no new list has appeared for {@code quiet}: anything doubled would have shown by then. */
    void settle(Duration quiet) {
        int before;
        do {
            before = count();
            sleep(quiet.toMillis());
        } while (count() != before);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(10_000);
    }
}
