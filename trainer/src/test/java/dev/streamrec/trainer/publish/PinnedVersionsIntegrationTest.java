package dev.streamrec.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.avro.VariantRanker;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What pruning must keep: versions pinned by the experiments on a real broker's experiments topic. */
@Tag("integration")
class PinnedVersionsIntegrationTest {

    static KafkaTestCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaTestCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void versionsPinnedByLiveExperimentsAndNotByDeletedOrUnpinnedOnes() throws Exception {
        kafka.createTopics(List.of(new TopicSettings("exp-a", 1, (short) 1, true)));
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>("exp-a", "pinned", bytes("pinned", "20261101T000000000Z"))).get();
            p.send(new ProducerRecord<>("exp-a", "latest", bytes("latest", null))).get();
            p.send(new ProducerRecord<>("exp-a", "ended", bytes("ended", "20261001T000000000Z"))).get();
            p.send(new ProducerRecord<>("exp-a", "ended", null)).get(); // deleted: pins nothing
            p.send(new ProducerRecord<>("exp-a", "moved", bytes("moved", "20260901T000000000Z"))).get();
            p.send(new ProducerRecord<>("exp-a", "moved", bytes("moved", "20261115T000000000Z"))).get(); // re-pinned
        }
        assertThat(PinnedVersions.read(kafka.bootstrapServers(), Map.of(), "exp-a", Duration.ofSeconds(30)))
                .containsExactlyInAnyOrder("20261101T000000000Z", "20261115T000000000Z");
    }

    @Test
    void aMissingTopicPinsNothing() {
        assertThat(PinnedVersions.read(kafka.bootstrapServers(), Map.of(), "no-such-topic", Duration.ofSeconds(5))).isEmpty();
    }

    private static byte[] bytes(String name, String version) {
        ExperimentVariant control = ExperimentVariant.newBuilder().setName("control").setShare(50)
                .setRanker(VariantRanker.HEURISTIC).build();
        ExperimentVariant model = ExperimentVariant.newBuilder().setName("model").setShare(50).setRanker(VariantRanker.MODEL)
                .setModelVersion(version).build();
        return Serdes.EXPERIMENT.toBytes(Experiment.newBuilder().setName(name).setSalt("s").setVariants(List.of(control, model))
                .build());
    }
}
