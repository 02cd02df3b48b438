package dev.streamrec.kafka.testing;

import java.util.Collection;
import java.util.List;

import dev.streamrec.broker.EmbeddedKafkaBroker;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for integration tests: Testcontainers' Kafka container when a Docker engine
 * answers, otherwise the in-process KRaft broker. Tests never skip for want of Docker.
 */
public final class KafkaTestCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTestCluster.class);
    private static final String KAFKA_IMAGE = "apache/kafka:4.2.0";

    private final AutoCloseable broker;
    private final String bootstrapServers;

    private KafkaTestCluster(AutoCloseable broker, String bootstrapServers) {
        this.broker = broker;
        this.bootstrapServers = bootstrapServers;
    }

    public static KafkaTestCluster start() {
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
            container.start();
            LOG.info("integration tests use a Kafka container ({})", KAFKA_IMAGE);
            return new KafkaTestCluster(container, container.getBootstrapServers());
        }
        LOG.info("no Docker engine: integration tests use the in-process KRaft broker");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        return new KafkaTestCluster(broker, broker.bootstrapServers());
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) { // no engine, no socket, or a client that cannot start
            return false;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates topics with the given partition count (replication 1). */
    public void createTopics(int partitions, String... names) {
        createTopics(List.of(names).stream().map(n -> new TopicSettings(n, partitions, (short) 1, false)).toList());
    }

    public void createTopics(Collection<TopicSettings> topics) {
        TopicAdmin.ensureTopics(bootstrapServers, topics);
    }

    @Override
    public void close() throws Exception {
        broker.close();
    }
}
