package dev.streamrec.trainer.publish;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamrec.avro.ModelPublished;
import dev.streamrec.kafka.ClientProperties;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link ModelPublished} records to the model-updates topic, keyed by model name (the topic
 * is compacted: the latest record per model is the current model). Waits for the broker's
 * acknowledgement, so a run only reports "published" once the record is durable.
 */
public final class ModelPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);

    /** The experiments topic's default name (the streams app's {@code streamrec.topics.experiments.name}). */
    public static final String EXPERIMENTS = "experiments";

    private final KafkaProducer<String, ModelPublished> producer;
    private final Topic<String, ModelPublished> topic;
    private final String bootstrapServers;
    private final Map<String, String> clientSettings;
    private final String experimentsTopic;

    public ModelPublisher(String bootstrapServers, Topic<String, ModelPublished> topic) {
        this(bootstrapServers, Map.of(), topic);
    }

    /** @param clientSettings extra producer settings (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}) */
    public ModelPublisher(String bootstrapServers, Map<String, String> clientSettings, Topic<String, ModelPublished> topic) {
        this(bootstrapServers, clientSettings, topic, EXPERIMENTS);
    }

    /** @param experimentsTopic where experiments pin model versions ({@link #pinnedVersions()}) */
    public ModelPublisher(String bootstrapServers, Map<String, String> clientSettings, Topic<String, ModelPublished> topic,
                          String experimentsTopic) {
        this.bootstrapServers = bootstrapServers;
        this.clientSettings = Map.copyOf(clientSettings);
        this.experimentsTopic = experimentsTopic;
        Properties p = ClientProperties.with(bootstrapServers, clientSettings);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "streamrec-trainer-publisher");
        this.producer = new KafkaProducer<>(p, topic.keySerde().serializer(), topic.valueSerde().serializer());
        this.topic = topic;
    }

    public void publish(ModelPublished record) {
        try {
            RecordMetadata md = producer.send(new ProducerRecord<>(topic.name(), record.getName(), record))
                    .get(30, TimeUnit.SECONDS);
            LOG.info("published {} version {} to {}-{}@{}", record.getName(), record.getVersion(), md.topic(),
                    md.partition(), md.offset());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("failed to publish model " + record.getName() + " " + record.getVersion()
                    + " to " + topic.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing model " + record.getVersion(), e);
        }
    }

    /** Versions that experiment variants pin: old artifacts that must not be pruned. */
    public Set<String> pinnedVersions() {
        return PinnedVersions.read(bootstrapServers, clientSettings, experimentsTopic, Duration.ofSeconds(30));
    }

    @Override
    public void close() {
        producer.close();
    }
}
