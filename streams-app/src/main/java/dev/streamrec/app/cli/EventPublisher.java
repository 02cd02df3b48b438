package dev.streamrec.app.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.CommandError;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.ops.KafkaCalls;
import dev.streamrec.ops.OpsException;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes user events to Kafka, keyed by user id (a non-default tenant's as {@code <tenant>|<userId>},
 * {@link TenantKeys}), optionally paced to a rate. Shared by the
 * simulator, the CSV importer, the embedded run and the benchmark, so all of them produce the way
 * a well-behaved backend would: idempotent, acks=all, batched.
 */
public final class EventPublisher implements AutoCloseable {

    private final KafkaProducer<String, UserEvent> producer;
    private final Topic<String, UserEvent> topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    public EventPublisher(String bootstrapServers, Topic<String, UserEvent> topic) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.CLIENT_ID_CONFIG, "streamrec-publisher"),
                topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    /** Sends one event asynchronously; a send failure is raised by the next call or by {@link #flush()}. */
    public void send(UserEvent event) {
        rethrow();
        String key = TenantKeys.scope(event.getTenantId(), event.getUserId());
        producer.send(new ProducerRecord<>(topic.name(), null, event.getTimestamp(), key, event),
                (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        sent.incrementAndGet();
                    }
                });
    }

    /**
     * Sends events until the iterator ends or the thread is interrupted.
     *
     * @param ratePerSecond events per second, or 0 for as fast as possible
     * @param progress      progress bar to step, or null
     * @return events handed to the producer
     */
    public long publish(Iterator<UserEvent> events, double ratePerSecond, ProgressBar progress) {
        long start = System.nanoTime();
        long n = 0;
        while (events.hasNext() && !Thread.currentThread().isInterrupted()) {
            if (ratePerSecond > 0) {
                long due = start + (long) (n * 1e9 / ratePerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            send(events.next());
            n++;
            if (progress != null) {
                progress.step(1);
            }
        }
        return n;
    }

    /**
     * Fails a command that is about to publish to {@code topic} when the cluster does not have it (ops' topic check:
     * the topics that exist, or a missing DESCRIBE permission, named in one line). A producer would otherwise wait a
     * minute for the topic's metadata, logging a warning every few hundred ms, or, on a cluster with
     * auto.create.topics.enable, create it with the broker's default partitions.
     */
    public static void requireTopic(String bootstrapServers, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            KafkaCalls.describeExisting(admin, List.of(topic));
        } catch (OpsException e) {
            throw new CommandError(e.getMessage() + " (--topic; the streams app creates its topics when it starts)");
        }
    }

    /** Waits for every sent event to be acknowledged. */
    public void flush() {
        producer.flush();
        rethrow();
    }

    /** Events acknowledged by the broker so far. */
    public long acknowledged() {
        return sent.get();
    }

    private void rethrow() {
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("publishing to " + topic.name() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
