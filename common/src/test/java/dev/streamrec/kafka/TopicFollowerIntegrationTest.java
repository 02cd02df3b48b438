package dev.streamrec.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import dev.streamrec.kafka.testing.KafkaTestCluster;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("integration")
@Timeout(120)
class TopicFollowerIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static KafkaTestCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaTestCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void shouldHandOverTheRecordsPresentAtStartBeforeSayingCaughtUpThenFollowLaterOnes() throws Exception {
        // given a topic with three records (one a tombstone) over two partitions
        kafka.createTopics(2, "follow-start");
        send("follow-start", "a", "1");
        send("follow-start", "b", "2");
        send("follow-start", "a", null);
        Recording reader = new Recording();

        // when a follower starts
        try (TopicFollower follower = follower("follow-start", reader)) {
            follower.start();
            await(follower::caughtUp);

            // then all three reached the reader before it was told it had caught up, nothing after
            assertThat(reader.atCatchUp).as("records read before caughtUp()").hasSize(3);
            assertThat(reader.read).hasSize(3);

            // and a later record arrives on its own after the catch-up
            send("follow-start", "c", "3");
            await(() -> reader.read.size() == 4);
            assertThat(reader.read.get(3)).isEqualTo("c=3");
            assertThat(reader.caughtUpCalls).hasSize(1);
        }
    }

    @Test
    void shouldWaitForATopicCreatedAfterItStarted() throws Exception {
        Recording reader = new Recording();
        try (TopicFollower follower = follower("follow-later", reader)) {
            // given a follower started before its topic exists
            follower.start();
            Thread.sleep(1_500);
            assertThat(follower.caughtUp()).as("caught up on a missing topic").isFalse();

            // when the topic is created with a record on it
            kafka.createTopics(1, "follow-later");
            send("follow-later", "x", "1");

            // then it follows it
            await(() -> reader.read.contains("x=1"));
            assertThat(follower.caughtUp()).isTrue();
        }
    }

    @Test
    void shouldStopPromptlyWhileTheBrokerIsUnreachable() {
        // given a follower pointed at an address where no broker listens (the fault)
        Properties unreachable = new Properties();
        unreachable.put("bootstrap.servers", "127.0.0.1:1");
        TopicFollower follower = new TopicFollower("nowhere", "test", "nothing changes", new Recording(),
                unreachable, "follower-unreachable");
        follower.start();

        // when it is closed while it waits
        long start = System.nanoTime();
        follower.close();

        // then it ends within a second or two, not after its 10 s join bound
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(follower.caughtUp()).isFalse();
    }

    @Test
    void shouldStopFollowingWhenTheReaderFailsAndLeaveWhatItRead() throws Exception {
        // given a reader that fails on a poison record (the fault), after a good one
        kafka.createTopics(1, "follow-fail");
        send("follow-fail", "good", "1");
        List<String> read = new CopyOnWriteArrayList<>();
        TopicFollower.Reader failing = new TopicFollower.Reader() {
            @Override
            public void read(ConsumerRecords<byte[], byte[]> records) {
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if ("poison".equals(new String(r.key(), StandardCharsets.UTF_8))) {
                        throw new IllegalStateException("cannot apply poison");
                    }
                    read.add(new String(r.key(), StandardCharsets.UTF_8));
                }
            }

            @Override
            public void caughtUp() {
            }
        };
        try (TopicFollower follower = follower("follow-fail", failing)) {
            follower.start();
            await(follower::caughtUp);

            // when the poison and then a good record arrive
            send("follow-fail", "poison", "x");
            send("follow-fail", "after", "2");
            Thread.sleep(2_000);

            // then it stopped at the poison (logged), keeping what it had read; close still returns
            assertThat(read).containsExactly("good");
        }
    }

    private static TopicFollower follower(String topic, TopicFollower.Reader reader) {
        Properties client = new Properties();
        client.put("bootstrap.servers", kafka.bootstrapServers());
        return new TopicFollower(topic, "test", "nothing changes", reader, client, "follower-" + topic);
    }

    private static void send(String topic, String key, String value) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Records "key=value" ("key=null" for a tombstone) and what it had read when told it caught up. */
    private static final class Recording implements TopicFollower.Reader {
        final List<String> read = new CopyOnWriteArrayList<>();
        final List<List<String>> caughtUpCalls = new CopyOnWriteArrayList<>();
        volatile List<String> atCatchUp;

        @Override
        public void read(ConsumerRecords<byte[], byte[]> records) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                read.add(new String(r.key(), StandardCharsets.UTF_8) + "="
                        + (r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8)));
            }
        }

        @Override
        public void caughtUp() {
            atCatchUp = new ArrayList<>(read);
            caughtUpCalls.add(atCatchUp);
        }
    }
}
