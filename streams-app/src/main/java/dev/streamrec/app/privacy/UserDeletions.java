package dev.streamrec.app.privacy;

import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamrec.app.config.KafkaAccessCheck;
import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.avro.UserDeletion;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topic;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Publishes deletion requests to the {@code user-deletions} topic, keyed by userId (a tenant's user key
 * {@code <tenant>|<userId>} for a tenant other than the default, as on user-events; so the default
 * partitioner sends it to the partition number of the user's user-events partition: the topic is
 * created with the same partition count). The request is durable once this returns ({@code acks=all},
 * idempotent producer); the erasure itself happens asynchronously in the user's stream task. The
 * producer uses the Kafka Streams client settings (bootstrap servers and security) and is created on
 * the first request.
 */
@Singleton
public class UserDeletions implements AutoCloseable {

    /** Where a request went: enough for an operator to find it on the topic. */
    public record Published(String userId, String tenantId, long requestedAt, String topic, int partition, long offset) {
    }

    private final Topic<String, UserDeletion> topic;
    private final Properties streamsConfig;
    private final Clock clock;
    private KafkaProducer<String, UserDeletion> producer;

    public UserDeletions(AppTopics topics, @Named("default") ConfiguredStreamBuilder builder) {
        this(topics.userDeletions(), builder.getConfiguration(), Clock.systemUTC());
    }

    UserDeletions(Topic<String, UserDeletion> topic, Properties streamsConfig, Clock clock) {
        this.topic = topic;
        this.streamsConfig = streamsConfig;
        this.clock = clock;
    }

    /**
     * Publishes a request to erase {@code userId} and waits for the broker's acknowledgement.
     *
     * @throws DeletionNotPublishedException when the broker does not take it within 10 s or refuses it
     */
    public Published request(String userId) {
        return request(TenantKeys.DEFAULT, userId);
    }

    /**
     * Publishes a request to erase {@code userId} of {@code tenant}, keyed by the tenant's user key
     * ({@link TenantKeys#scope}, like the user's events), and waits for the broker's acknowledgement.
     *
     * @throws DeletionNotPublishedException when the broker does not take it within 10 s or refuses it
     */
    public Published request(String tenant, String userId) {
        long now = clock.millis();
        String t = TenantKeys.normalize(tenant);
        try {
            RecordMetadata m = producer().send(new ProducerRecord<>(topic.name(), null, now, TenantKeys.scope(t, userId),
                    new UserDeletion(userId, now, t))).get(10, TimeUnit.SECONDS);
            return new Published(userId, t, now, m.topic(), m.partition(), m.offset());
        } catch (ExecutionException e) {
            throw new DeletionNotPublishedException("the deletion request was not written to " + topic.name() + ": "
                    + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new DeletionNotPublishedException("the deletion request was not acknowledged by " + topic.name()
                    + " within 10 s; retry");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeletionNotPublishedException("interrupted while writing the deletion request");
        }
    }

    private synchronized KafkaProducer<String, UserDeletion> producer() {
        if (producer == null) {
            Properties p = KafkaAccessCheck.clientConfig(streamsConfig); // bootstrap servers and security settings
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "streamrec-user-deletions");
            Serializer<String> keys = topic.keySerde().serializer();
            Serializer<UserDeletion> values = topic.valueSerde().serializer();
            producer = new KafkaProducer<>(p, keys, values);
        }
        return producer;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }

    /** The request did not reach the topic; nothing was erased. */
    public static final class DeletionNotPublishedException extends RuntimeException {
        public DeletionNotPublishedException(String message) {
            super(message);
        }
    }
}
