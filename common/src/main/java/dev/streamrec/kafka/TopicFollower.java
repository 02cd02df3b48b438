package dev.streamrec.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a (compacted) topic from the beginning and then follows it, on a thread of its own: a plain
 * consumer without a group (every instance must see every record), assigned all partitions, reading
 * committed records only. It waits for the topic to exist, hands each poll's records to a
 * {@link Reader}, and says once when the records that were on the topic at start have all been read
 * ({@link Reader#caughtUp()}), so a reader can apply the start state in one go and later records one
 * by one. A failure of the consumer or the reader is logged and ends the following; what the reader
 * last applied stays.
 */
public final class TopicFollower implements AutoCloseable {

    /** What a follower does with what it reads; called on the follower's thread only. */
    public interface Reader {
        /** One poll's records (possibly none), during the catch-up and after it. */
        void read(ConsumerRecords<byte[], byte[]> records);

        /** Once, after every record present at start was passed to {@link #read}. */
        void caughtUp();
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final String topic;
    private final String name;
    private final String onFailure;
    private final Reader reader;
    private final Properties config;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param topic        the topic to follow
     * @param name         what is followed, for the thread's name and the log ({@code model-updates})
     * @param onFailure    what the log says stays in effect when following fails
     * @param clientConfig bootstrap servers and security settings (anything else is set here)
     */
    public TopicFollower(String topic, String name, String onFailure, Reader reader, Properties clientConfig,
                         String clientId) {
        this.topic = topic;
        this.name = name;
        this.onFailure = onFailure;
        this.reader = reader;
        this.config = new Properties();
        this.config.putAll(clientConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // its owner creates it, compacted
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.thread = new Thread(this::run, "streamrec-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** True once the records present at start have been read and {@link Reader#caughtUp()} returned. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            if (!running) {
                return; // closed before the consumer existed: close() could not wake it
            }
            List<TopicPartition> partitions = awaitPartitions(c);
            if (partitions == null) {
                return;
            }
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (running && !reached(c, end)) {
                reader.read(c.poll(POLL));
            }
            if (!running) {
                return;
            }
            reader.caughtUp();
            caughtUp = true;
            while (running) {
                reader.read(c.poll(POLL));
            }
        } catch (WakeupException e) {
            if (running) {
                LOG.error("{} follower woken up unexpectedly; no longer following {}", name, topic, e);
            }
        } catch (RuntimeException e) {
            LOG.error("{} follower failed; no longer following {} ({})", name, topic, onFailure, e);
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<byte[], byte[]> c) {
        boolean warned = false;
        while (running) {
            List<PartitionInfo> infos;
            try {
                infos = c.partitionsFor(topic, Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = null; // broker not reachable yet: keep waiting
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            }
            if (!warned) {
                LOG.info("waiting for topic {} to exist before following {}", topic, name);
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

    /** Stops following; waits up to 10 s for the thread to end. */
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
