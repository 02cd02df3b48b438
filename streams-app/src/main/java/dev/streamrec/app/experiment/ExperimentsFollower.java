package dev.streamrec.app.experiment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.streamrec.avro.Experiment;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted experiments topic on every instance as a table (a plain consumer, no group,
 * all partitions from the beginning; the newest record per key wins, a tombstone removes it) and
 * hands the whole table to the {@link ExperimentRanker} after the catch-up and after every poll
 * that changed it: definitions change without a restart. Every instance reads the same records, so
 * every instance assigns a user the same way. Undecodable records are logged and skipped.
 *
 * <p>Why a consumer and not a Kafka Streams global table: the change must also reach the model
 * manager (pinned versions to load), and a global store's restore bypasses any processor.
 */
public final class ExperimentsFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentsFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Topic<String, Experiment> topic;
    private final ExperimentPlan ranker;
    private final Properties config;
    private final Thread thread;
    private final Map<String, Experiment> table = new TreeMap<>();
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** @param clientConfig bootstrap servers and security settings (anything else is set here) */
    public ExperimentsFollower(Topic<String, Experiment> topic, ExperimentPlan ranker, Properties clientConfig,
                               String clientId) {
        this.topic = topic;
        this.ranker = ranker;
        this.config = new Properties();
        this.config.putAll(clientConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.thread = new Thread(this::run, "streamrec-experiments");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** True once the records present at start have been applied. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = awaitPartitions(c);
            if (partitions == null) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (running && !reached(c, end)) {
                read(c.poll(POLL));
            }
            ranker.apply(List.copyOf(table.values()));
            caughtUp = true;
            LOG.info("experiments {}: {} definition(s) at start; following", topic.name(), table.size());
            while (running) {
                if (read(c.poll(POLL))) {
                    ranker.apply(List.copyOf(table.values()));
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("experiments follower woken up unexpectedly; no longer following {}", topic.name(), e);
            }
        } catch (RuntimeException e) {
            LOG.error("experiments follower failed; no longer following {} (the experiments as last read stay live)",
                    topic.name(), e);
        }
    }

    /** Applies the records to the table; true when it changed. */
    private boolean read(ConsumerRecords<byte[], byte[]> records) {
        boolean changed = false;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.key() == null) {
                LOG.warn("skipping experiments record {}-{}@{} without a key", r.topic(), r.partition(), r.offset());
                continue;
            }
            String name = new String(r.key(), StandardCharsets.UTF_8);
            if (r.value() == null) {
                changed |= table.remove(name) != null;
                continue;
            }
            try {
                table.put(name, topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                changed = true;
            } catch (RuntimeException e) {
                LOG.warn("skipping undecodable experiments record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
            }
        }
        return changed;
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> c) {
        boolean warned = false;
        while (running) {
            List<PartitionInfo> infos;
            try {
                infos = c.partitionsFor(topic.name(), Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = null;
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            if (!warned) {
                LOG.info("waiting for topic {} to exist before following experiments", topic.name());
                warned = true;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> left = new HashMap<>(end);
        left.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
        return left.isEmpty();
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
