package dev.streamrec.trainer.publish;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.kafka.ClientProperties;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The model versions that experiment variants pin, read from the whole (compacted) experiments topic:
 * the artifacts that pruning must keep however old they are. A missing topic pins nothing.
 */
public final class PinnedVersions {

    private PinnedVersions() {
    }

    /**
     * @throws IllegalStateException when the topic cannot be read to its end within {@code timeout}
     */
    public static Set<String> read(String bootstrapServers, Map<String, String> clientSettings, String topic,
                                   Duration timeout) {
        Properties p = ClientProperties.with(bootstrapServers, clientSettings);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // never create it with the wrong settings
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-trainer-pins");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            if (partitions.isEmpty()) {
                return Set.of();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<String, Experiment> latest = new HashMap<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("did not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        latest.remove(r.key()); // a deleted experiment pins nothing
                    } else {
                        latest.put(r.key(), Serdes.EXPERIMENT.fromBytes(r.value()));
                    }
                }
            }
            Set<String> pinned = new HashSet<>();
            for (Experiment e : latest.values()) {
                for (ExperimentVariant v : e.getVariants()) {
                    if (v.getModelVersion() != null) {
                        pinned.add(v.getModelVersion().toString());
                    }
                }
            }
            return pinned;
        }
    }
}
