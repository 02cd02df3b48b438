package dev.streamrec.app.experiment;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamrec.avro.Experiment;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes experiment definitions (and tombstones) to the experiments topic for the admin API; every
 * instance picks them up through its {@link ExperimentsFollower}. A write returns once the broker
 * acknowledged it ({@code acks=all}).
 */
public final class ExperimentPublisher implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final Topic<String, Experiment> topic;
    private final Properties config;
    private KafkaProducer<byte[], byte[]> producer;

    public ExperimentPublisher(Topic<String, Experiment> topic, Properties clientConfig) {
        this.topic = topic;
        this.config = new Properties();
        config.putAll(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
    }

    public Topic<String, Experiment> topic() {
        return topic;
    }

    /** Writes {@code e} under its name. */
    public void put(Experiment e) {
        send(e.getName(), topic.valueSerde().serializer().serialize(topic.name(), e));
    }

    /** Writes a tombstone: the experiment ends on every instance. */
    public void delete(String name) {
        send(name, null);
    }

    private synchronized void send(String key, byte[] value) {
        if (producer == null) { // opened on first use: an app whose admin API is never called holds no producer
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        try {
            producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8), value))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("could not write experiment '" + key + "' to " + topic.name() + ": "
                    + cause.getMessage(), cause);
        }
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
