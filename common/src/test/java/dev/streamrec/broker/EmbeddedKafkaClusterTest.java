package dev.streamrec.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
class EmbeddedKafkaClusterTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void shouldKeepAcceptingWritesWhileTheLeaderIsDownAndServeEverythingAfterItsRestart() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.startTemporary(3)) {
            TopicAdmin.ensureTopics(cluster.bootstrapServers(), List.of(new TopicSettings("rf3", 1, (short) 3, false)));
            Map<String, Object> producerConfig = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"));
            try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("rf3", "k", "before-" + i)).get();
                }
                // when the partition's leader stops
                int leader = cluster.leaderOf(new TopicPartition("rf3", 0));
                cluster.stopNode(leader);
                assertThat(cluster.leaderOf(new TopicPartition("rf3", 0))).as("a new leader").isNotEqualTo(leader);
                // then acks=all writes still succeed (2 replicas in sync, min.insync.replicas 2)
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("rf3", "k", "during-" + i)).get(30, TimeUnit.SECONDS);
                }
                cluster.startNode(leader);
            }
            // and after the restart every record can be read
            Map<String, Object> consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "check", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> seen = new ArrayList<>();
            try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("rf3"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen.size() < 20 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
                }
            }
            assertThat(seen).as("records written before and during the outage").hasSize(20);
        }
    }
}
