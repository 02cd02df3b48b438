package dev.streamrec.ops.replay;

import static dev.streamrec.ops.TestTopics.bytes;
import static dev.streamrec.ops.TestTopics.decode;
import static dev.streamrec.ops.TestTopics.event;
import static dev.streamrec.ops.TestTopics.readAll;
import static dev.streamrec.ops.TestTopics.string;
import static dev.streamrec.ops.TestTopics.unique;
import static dev.streamrec.ops.TestTopics.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.streamrec.avro.EventType;
import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.ops.CommandErrors;
import dev.streamrec.topics.DlqHeaders;
import dev.streamrec.ops.OpsException;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Replays on a real broker. One broker and one read-only source topic for the class; every test
 * writes to its own target topic.
 */
@Tag("integration")
@Timeout(120)
class ReplayerIntegrationTest {

    private static final long T0 = Instant.parse("2026-11-23T10:00:00Z").toEpochMilli();
    private static final int PER_PARTITION = 20;
    private static final EventType[] TYPES = {EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE};

    private static KafkaTestCluster kafka;
    private static String source;
    /** What was written to the source, partition by partition in offset order. */
    private static List<ProducerRecord<byte[], byte[]>> fixture;

    @BeforeAll
    static void startBrokerAndWriteSource() {
        kafka = KafkaTestCluster.start();
        source = unique("user-events");
        kafka.createTopics(2, source);
        fixture = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            for (int i = 0; i < PER_PARTITION; i++) {
                String user = "user-" + (i % 4);
                RecordHeaders h = new RecordHeaders();
                h.add("trace-id", bytes("t-" + p + "-" + i));
                byte[] value = Serdes.USER_EVENT.toBytes(event("e-" + p + "-" + i, user, TYPES[i % TYPES.length],
                        T0 + i * 1000L));
                fixture.add(new ProducerRecord<>(source, p, T0 + i * 1000L, bytes(user), value, h));
            }
        }
        write(kafka.bootstrapServers(), fixture);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldReplayATimeRangeOfOneUserWithKeysTimestampsAndHeaders() {
        // given a time range [T0+5s, T0+15s) and user-1
        String target = unique("scratch");
        kafka.createTopics(2, target);
        ReplaySpec.Builder spec = ReplaySpec.builder(source, target).from(Instant.ofEpochMilli(T0 + 5_000))
                .to(Instant.ofEpochMilli(T0 + 15_000)).users(List.of("user-1"));
        Predicate<ProducerRecord<byte[], byte[]>> expected = r -> r.timestamp() >= T0 + 5_000
                && r.timestamp() < T0 + 15_000 && string(r.key()).equals("user-1");

        // when it is dry-run, then run for real
        ReplayResult dry = replayer().replay(spec.dryRun(true).build());
        ReplayResult real = replayer().replay(spec.dryRun(false).build());

        // then exactly the expected records arrive, in source order per partition
        List<ProducerRecord<byte[], byte[]>> want = fixture.stream().filter(expected).toList();
        List<ConsumerRecord<byte[], byte[]>> got = readAll(kafka.bootstrapServers(), target);
        assertThat(want).as("fixture sanity").hasSize(6);
        assertThat(real.written()).as("written").isEqualTo(want.size());
        assertThat(got).as("records in the target").hasSize(want.size());
        assertSameRecordsInSourceOrder(want, got);
        for (int p = 0; p < 2; p++) {
            assertThat(dry.partition(p).matched()).as("dry-run count of partition %d = records written", p)
                    .isEqualTo(real.partition(p).written()).isEqualTo(3);
            assertThat(real.partition(p).startOffset()).as("start of partition %d from offsetsForTimes", p).isEqualTo(5);
            assertThat(real.partition(p).endOffset()).as("end of partition %d from offsetsForTimes", p).isEqualTo(15);
            assertThat(real.partition(p).read()).as("records read in partition %d", p).isEqualTo(10);
        }
        assertThat(dry.written()).as("a dry run writes nothing").isZero();
        assertThat(dry.table()).contains("dry run", "(nothing written)", "matched");
        assertThat(dry.table().lines().toList().get(1)).as("dry-run columns").doesNotContain("written");
    }

    @Test
    void shouldReplayAnExplicitOffsetRange() {
        String target = unique("scratch");
        kafka.createTopics(1, target);

        ReplayResult result = replayer().replay(ReplaySpec.builder(source, target)
                .partitionRange(PartitionRange.parse("1:3-7")).build());

        List<ConsumerRecord<byte[], byte[]>> got = readAll(kafka.bootstrapServers(), target);
        assertThat(got).extracting(r -> decode(r).getEventId()).as("offsets 3..7 of partition 1, in order")
                .containsExactly("e-1-3", "e-1-4", "e-1-5", "e-1-6", "e-1-7");
        assertThat(got).extracting(r -> string(r.headers().lastHeader(DlqHeaders.REPLAYED_FROM).value()))
                .containsExactly(source + ":1:3", source + ":1:4", source + ":1:5", source + ":1:6", source + ":1:7");
        assertThat(result.partitions()).as("only partition 1 is read").extracting(ReplayResult.PartitionStats::partition)
                .containsExactly(1);
    }

    @Test
    void shouldReplayOnlyTheGivenEventTypes() {
        String target = unique("scratch");
        kafka.createTopics(2, target);

        ReplayResult result = replayer().replay(ReplaySpec.builder(source, target)
                .types(List.of(EventType.PURCHASE, EventType.CLICK)).build());

        List<ConsumerRecord<byte[], byte[]>> got = readAll(kafka.bootstrapServers(), target);
        assertThat(got).extracting(r -> decode(r).getType()).as("types replayed")
                .containsOnly(EventType.PURCHASE, EventType.CLICK);
        assertThat(got).as("half of each partition").hasSize(PER_PARTITION);
        assertThat(result.read()).as("whole topic read").isEqualTo(2L * PER_PARTITION);
    }

    @Test
    void shouldReplayDeadLettersByReasonAndDropTheStreamsErrorHeaders() {
        // given DLQ records: raw bytes (one not Avro at all) with Kafka Streams' error headers and a reason
        String dlq = unique("user-events-dlq");
        String target = unique("user-events");
        kafka.createTopics(1, dlq, target);
        byte[] good = Serdes.USER_EVENT.toBytes(event("e-dlq-1", "user-7", EventType.VIEW, T0));
        List<ProducerRecord<byte[], byte[]>> dead = List.of(
                deadLetter(dlq, 0, "user-7", good, "UNDECODABLE", "UNKNOWN_SCHEMA"),
                deadLetter(dlq, 1, "user-8", bytes("\u0000garbage"), "UNDECODABLE", "NOT_SINGLE_OBJECT_ENCODED"),
                deadLetter(dlq, 2, "user-9", bytes("\u00c3\u0001truncated"), "UNDECODABLE", "UNKNOWN_SCHEMA"),
                deadLetter(dlq, 3, "user-6", good, "KEY_MISMATCH", null));
        write(kafka.bootstrapServers(), dead);
        ReplaySpec.Builder spec = ReplaySpec.builder(dlq, target)
                .headerMatch(HeaderMatch.parse(DlqHeaders.REASON + "=^UNDECODABLE$"))
                .headerMatch(HeaderMatch.parse(DlqHeaders.DETAIL + "=UNKNOWN_SCHEMA"));

        // when
        ReplayResult dry = replayer().replay(spec.dryRun(true).build());
        ReplayResult real = replayer().replay(spec.dryRun(false).build());

        // then the two UNDECODABLE/UNKNOWN_SCHEMA records go back byte for byte, without error headers
        List<ConsumerRecord<byte[], byte[]>> got = readAll(kafka.bootstrapServers(), target);
        assertThat(dry.matched()).as("dry-run count").isEqualTo(2).isEqualTo(real.written());
        assertThat(got).extracting(r -> string(r.key())).containsExactly("user-7", "user-9");
        assertThat(got.get(0).value()).as("value bytes unchanged").isEqualTo(good);
        assertThat(got.get(1).value()).as("undecodable bytes unchanged").isEqualTo(dead.get(2).value());
        for (ConsumerRecord<byte[], byte[]> r : got) {
            assertThat(Arrays.stream(r.headers().toArray()).map(Header::key))
                    .as("headers of %s", string(r.key()))
                    .noneMatch(DlqHeaders::isErrorHeader)
                    .containsExactly("trace-id", DlqHeaders.REPLAYED_FROM);
        }
        assertThat(got.get(1).timestamp()).as("timestamp kept").isEqualTo(T0 + 2);
    }

    @Test
    void shouldRespectTheRateLimit() {
        String target = unique("scratch");
        kafka.createTopics(1, target);

        // 20 records at 40/s: the last one is due 19/40 s = 475 ms after the first
        ReplayResult result = replayer().replay(ReplaySpec.builder(source, target)
                .partitionRange(PartitionRange.parse("0:0-19")).rate(40).build());

        assertThat(result.written()).isEqualTo(20);
        assertThat(result.elapsed()).as("elapsed at 40 records/s").isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }

    @Test
    void shouldFailWithAOneLineMessageOnAnUnknownTopic() {
        assertThatThrownBy(() -> replayer().replay(ReplaySpec.builder("no-such-topic", null).dryRun(true).build()))
                .isInstanceOf(OpsException.class)
                .hasMessageStartingWith("unknown topic no-such-topic; existing topics: ")
                .hasMessageContaining(source);

        var run = dev.streamrec.ops.CliRun.of(new ReplayCommand(), "-b", kafka.bootstrapServers(),
                "--source", source, "--target", "no-such-target", "--no-progress");
        assertThat(run.exitCode()).isEqualTo(CommandErrors.FAILURE);
        assertThat(run.err().strip()).as("one line, no stack trace").startsWith("error: unknown topic no-such-target")
                .doesNotContain("\n");
    }

    @Test
    void shouldRunFromTheCommandLine() {
        String target = unique("scratch");
        kafka.createTopics(2, target);

        var run = dev.streamrec.ops.CliRun.of(new ReplayCommand(), "-b", kafka.bootstrapServers(),
                "--source", source, "--target", target, "--user", "user-2,user-3", "--type", "purchase",
                "--partition-range", "0:0-", "--no-progress");

        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isZero();
        assertThat(run.out()).contains("replayed " + source + " -> " + target, "written", "total");
        assertThat(readAll(kafka.bootstrapServers(), target)).extracting(r -> decode(r).getEventId())
                .as("user-3's purchases of partition 0 (user-2 has none)").containsExactly("e-0-3", "e-0-7", "e-0-11",
                        "e-0-15", "e-0-19");
    }

    private static ProducerRecord<byte[], byte[]> deadLetter(String dlq, int i, String key, byte[] value, String reason,
                                                             String detail) {
        RecordHeaders h = new RecordHeaders();
        h.add("trace-id", bytes("dlq-" + i));
        h.add(DlqHeaders.STREAMS_EXCEPTION, bytes("dev.streamrec.serde.RecordDecodingException"));
        h.add(DlqHeaders.STREAMS_MESSAGE, bytes("unknown writer schema fingerprint"));
        h.add(DlqHeaders.STREAMS_TOPIC, bytes("user-events"));
        h.add(DlqHeaders.STREAMS_PARTITION, bytes("0"));
        h.add(DlqHeaders.STREAMS_OFFSET, bytes(Integer.toString(100 + i)));
        h.add(DlqHeaders.REASON, bytes(reason));
        if (detail != null) {
            h.add(DlqHeaders.DETAIL, bytes(detail));
        }
        return new ProducerRecord<>(dlq, 0, T0 + i, bytes(key), value, h);
    }

    private static Replayer replayer() {
        return new Replayer(Map.of("bootstrap.servers", kafka.bootstrapServers()), null);
    }

    /** Same records (key, value, timestamp, original headers + replayed-from), each source partition in order. */
    private static void assertSameRecordsInSourceOrder(List<ProducerRecord<byte[], byte[]>> want,
                                                       List<ConsumerRecord<byte[], byte[]>> got) {
        for (int p = 0; p < 2; p++) {
            String prefix = source + ":" + p + ":";
            List<ProducerRecord<byte[], byte[]>> wantP = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> r : want) {
                if (r.partition() == p) {
                    wantP.add(r);
                }
            }
            List<ConsumerRecord<byte[], byte[]>> gotP = got.stream()
                    .filter(r -> string(r.headers().lastHeader(DlqHeaders.REPLAYED_FROM).value()).startsWith(prefix))
                    .toList();
            assertThat(gotP).as("records from source partition %d", p).hasSize(wantP.size());
            for (int i = 0; i < wantP.size(); i++) {
                ProducerRecord<byte[], byte[]> w = wantP.get(i);
                ConsumerRecord<byte[], byte[]> g = gotP.get(i);
                int offset = fixture.indexOf(w) - p * PER_PARTITION;
                assertThat(g.key()).as("key #%d of partition %d", i, p).isEqualTo(w.key());
                assertThat(g.value()).as("value #%d of partition %d", i, p).isEqualTo(w.value());
                assertThat(g.timestamp()).as("timestamp #%d of partition %d", i, p).isEqualTo(w.timestamp());
                assertThat(string(g.headers().lastHeader("trace-id").value())).as("original header")
                        .isEqualTo(string(w.headers().lastHeader("trace-id").value()));
                assertThat(string(g.headers().lastHeader(DlqHeaders.REPLAYED_FROM).value())).as("replayed-from")
                        .isEqualTo(prefix + offset);
            }
        }
    }
}
