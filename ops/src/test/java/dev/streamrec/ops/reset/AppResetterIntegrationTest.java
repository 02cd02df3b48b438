package dev.streamrec.ops.reset;

import static dev.streamrec.ops.TestTopics.bytes;
import static dev.streamrec.ops.TestTopics.unique;
import static dev.streamrec.ops.TestTopics.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.ops.CliRun;
import dev.streamrec.ops.CommandErrors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resets on a real broker. Each test has its own input topic and application id: partition 0 holds
 * records one second apart from T0, partition 1 only records older than any reset time used.
 */
@Tag("integration")
@Timeout(120)
class AppResetterIntegrationTest {

    private static final long T0 = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final Instant RESET_TO = Instant.ofEpochMilli(T0 + 4_000);

    private static KafkaTestCluster kafka;
    private static Admin admin;

    @BeforeAll
    static void startBroker() {
        kafka = KafkaTestCluster.start();
        admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldMoveCommittedOffsetsToTheTimestampAndLeaveThemAloneInADryRun() throws Exception {
        // given an idle application that has processed everything
        String app = unique("app");
        String input = inputTopic();
        commit(app, Map.of(tp(input, 0), 10L, tp(input, 1), 10L));
        ResetSpec spec = new ResetSpec(app, List.of(input), RESET_TO, false, true);

        // when it is dry-run
        ResetPlan plan = resetter().reset(spec);

        // then the plan goes back to offset 4 on partition 0 and to the end on partition 1, and nothing moved
        assertThat(plan.applied()).isFalse();
        assertThat(plan.partition(input, 0).newOffset()).as("first offset at T0+4s").isEqualTo(4);
        assertThat(plan.partition(input, 0).currentOffset()).hasValue(10);
        assertThat(plan.partition(input, 1).newOffset()).as("no record that recent: end offset").isEqualTo(10);
        assertThat(plan.partition(input, 1).atEnd()).isTrue();
        assertThat(plan.table()).contains("dry run", "-6", "10 (end)");
        assertThat(committed(app)).as("offsets after a dry run").isEqualTo(Map.of(tp(input, 0), 10L, tp(input, 1), 10L));

        // when it runs for real
        ResetPlan done = resetter().reset(new ResetSpec(app, List.of(input), RESET_TO, false, false));

        // then the committed offsets are the planned ones
        assertThat(done.applied()).isTrue();
        assertThat(committed(app)).as("offsets after the reset").isEqualTo(Map.of(tp(input, 0), 4L, tp(input, 1), 10L));
    }

    @Test
    void shouldRefuseWhileAMemberIsActive() throws Exception {
        // given an application instance that is running
        String app = unique("app");
        String input = inputTopic();
        commit(app, Map.of(tp(input, 0), 10L));
        try (KafkaConsumer<byte[], byte[]> instance = activeMember(app, input)) {
            // when / then
            assertThatThrownBy(() -> resetter().reset(new ResetSpec(app, List.of(input), RESET_TO, false, false)))
                    .isInstanceOf(ActiveMembersException.class)
                    .hasMessageContaining("has 1 active member")
                    .hasMessageContaining("instance-of-" + app);

            CliRun run = CliRun.of(new ResetCommand(), "-b", kafka.bootstrapServers(), "--application-id", app,
                    "--input-topics", input, "--to-epoch-ms", Long.toString(RESET_TO.toEpochMilli()));
            assertThat(run.exitCode()).isEqualTo(CommandErrors.FAILURE);
            assertThat(run.err().strip()).as("one line naming the member").startsWith("error: application '" + app)
                    .contains("stop every instance first", "instance-of-" + app).doesNotContain("\n");

            CliRun dry = CliRun.of(new ResetCommand(), "-b", kafka.bootstrapServers(), "--application-id", app,
                    "--input-topics", input, "--to-datetime", RESET_TO.toString(), "--dry-run");
            assertThat(dry.exitCode()).as("a dry run still shows the plan; stderr: %s", dry.err()).isZero();
            assertThat(dry.out()).contains("a real reset would refuse", "instance-of-" + app);
        }
        assertThat(committed(app)).as("offsets untouched").containsEntry(tp(input, 0), 10L);
    }

    @Test
    void shouldDeleteOnlyTheApplicationsInternalTopicsWhenAsked() throws Exception {
        String app = unique("app");
        String input = inputTopic();
        String changelog = app + "-dedupe-store-changelog";
        String repartition = app + "-KSTREAM-KEY-SELECT-0000000002-repartition";
        String otherApp = app + "x-dedupe-store-changelog";
        kafka.createTopics(1, changelog, repartition, otherApp);
        commit(app, Map.of(tp(input, 0), 10L));

        CliRun run = CliRun.of(new ResetCommand(), "-b", kafka.bootstrapServers(), "--application-id", app,
                "--input-topics", input, "--to-epoch-ms", Long.toString(RESET_TO.toEpochMilli()),
                "--delete-internal-topics");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.out()).contains("deleted internal topics: " + repartition + ", " + changelog, "cleanUp");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Set<String> topics;
        do {
            topics = admin.listTopics().names().get();
        } while ((topics.contains(changelog) || topics.contains(repartition)) && System.nanoTime() < deadline);
        assertThat(topics).as("topics after the reset").doesNotContain(changelog, repartition).contains(otherApp, input);
        assertThat(committed(app)).containsEntry(tp(input, 0), 4L);
    }

    @Test
    void shouldFailWithAOneLineMessageOnAnUnknownInputTopic() {
        CliRun run = CliRun.of(new ResetCommand(), "-b", kafka.bootstrapServers(), "--application-id", unique("app"),
                "--input-topics", "no-such-input", "--to-epoch-ms", "0", "--dry-run");

        assertThat(run.exitCode()).isEqualTo(CommandErrors.FAILURE);
        assertThat(run.err().strip()).startsWith("error: unknown topic no-such-input; existing topics:")
                .doesNotContain("\n");
    }

    /** A fresh input topic: 10 records one second apart from T0 on partition 0, 10 old ones on partition 1. */
    private static String inputTopic() {
        String input = unique("user-events");
        kafka.createTopics(2, input);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(new ProducerRecord<>(input, 0, T0 + i * 1000L, bytes("user-" + i), bytes("v" + i)));
            records.add(new ProducerRecord<>(input, 1, T0 - 100_000L + i, bytes("user-" + i), bytes("v" + i)));
        }
        write(kafka.bootstrapServers(), records);
        return input;
    }

    private static AppResetter resetter() {
        return new AppResetter(Map.of("bootstrap.servers", kafka.bootstrapServers()));
    }

    private static TopicPartition tp(String topic, int p) {
        return new TopicPartition(topic, p);
    }

    private static void commit(String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> o = new java.util.HashMap<>();
        offsets.forEach((tp, off) -> o.put(tp, new OffsetAndMetadata(off)));
        admin.alterConsumerGroupOffsets(group, o).all().get(30, TimeUnit.SECONDS);
    }

    private static Map<TopicPartition, Long> committed(String group) throws Exception {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    /** A consumer in the application's group that has joined and been given partitions. */
    private static KafkaConsumer<byte[], byte[]> activeMember(String group, String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, "instance-of-" + group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.assignment().isEmpty()) {
            if (System.nanoTime() > deadline) {
                consumer.close();
                throw new AssertionError("consumer did not join group " + group + " within 30 s");
            }
            consumer.poll(Duration.ofMillis(100));
        }
        return consumer;
    }
}
