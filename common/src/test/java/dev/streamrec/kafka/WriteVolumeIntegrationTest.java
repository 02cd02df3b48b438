package dev.streamrec.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.streamrec.kafka.testing.KafkaTestCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
class WriteVolumeIntegrationTest {

    @Test
    @Timeout(120)
    void shouldCountTheRecordsAndBytesWrittenBetweenTwoSnapshots() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            kafka.createTopics(2, "written", "untouched");
            WriteVolume.Snapshot before = WriteVolume.snapshot(admin);

            try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 50; i++) {
                    producer.send(new ProducerRecord<>("written", new byte[] {(byte) i}, new byte[1_000])).get();
                }
            }
            Map<String, long[]> growth = WriteVolume.snapshot(admin).minus(before);

            assertThat(growth.get("written")[0]).as("records").isEqualTo(50);
            assertThat(growth.get("written")[1]).as("bytes: values plus overhead").isBetween(50_000L, 60_000L);
            assertThat(growth.get("untouched")).containsExactly(0, 0);
            assertThat(WriteVolume.total(growth)).containsExactly(50, growth.get("written")[1]);
        }
    }
}
