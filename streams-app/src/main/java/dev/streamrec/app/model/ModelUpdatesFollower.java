package dev.streamrec.app.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.streamrec.avro.ModelPublished;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the model-updates topic on every instance: a plain consumer, no group (each instance
 * must see every announcement), assigned all partitions and reading from the beginning. What is
 * on the topic at start is handed over in one go ({@link ModelManager#catchUp}), so a fresh
 * instance loads only the newest version instead of every one in turn; later records go one by
 * one ({@link ModelManager#announce}). Loading happens on the manager's loader thread, so this
 * thread only polls. Records that do not decode are logged and skipped.
 */
public final class ModelUpdatesFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Topic<String, ModelPublished> topic;
    private final ModelManager manager;
    private final Properties config;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /** @param clientConfig bootstrap servers and security settings (anything else is set here) */
    public ModelUpdatesFollower(Topic<String, ModelPublished> topic, ModelManager manager, Properties clientConfig,
                                String clientId) {
        this.topic = topic;
        this.manager = manager;
        this.config = new Properties();
        this.config.putAll(clientConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // the app creates it compacted
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.thread = new Thread(this::run, "streamrec-model-updates");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** True once the records present at start have been handed to the manager. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            if (!running) {
                return;
            }
            List<TopicPartition> partitions = awaitPartitions(c);
            if (partitions == null) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            List<ModelPublished> initial = new ArrayList<>();
            while (running && !reached(c, end)) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    decode(r, initial);
                }
            }
            manager.catchUp(initial, System.nanoTime());
            caughtUp = true;
            LOG.info("model-updates {}: {} announcement(s) at start; following", topic.name(), initial.size());
            while (running) {
                List<ModelPublished> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
                    decode(r, batch);
                }
                long now = System.nanoTime();
                for (ModelPublished p : batch) {
                    manager.announce(p, now);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("model-updates follower woken up unexpectedly; no longer following {}", topic.name(), e);
            }
        } catch (RuntimeException e) {
            LOG.error("model-updates follower failed; no longer following {} (the current model keeps serving)",
                    topic.name(), e);
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> c) {
        boolean warned = false;
        while (running) {
            List<PartitionInfo> infos;
            try {
                infos = c.partitionsFor(topic.name(), Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = null; // broker not reachable yet: keep waiting
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            if (!warned) {
                LOG.info("waiting for topic {} to exist before following model updates", topic.name());
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

    private void decode(ConsumerRecord<byte[], byte[]> r, List<ModelPublished> into) {
        if (r.value() == null) {
            return; // tombstone: a model name retired from the compacted topic
        }
        try {
            into.add(topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        } catch (RuntimeException e) {
            LOG.warn("skipping undecodable model-updates record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
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
