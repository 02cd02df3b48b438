package dev.streamrec.ops.replay;

import static dev.streamrec.ops.TestTopics.bytes;
import static dev.streamrec.ops.TestTopics.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.topics.DlqHeaders;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ReplayArgumentsTest {

    @Test
    void shouldParsePartitionRangesWithInclusiveAndOpenEnds() {
        assertThat(PartitionRange.parse("0:100-200")).isEqualTo(PartitionRange.of(0, 100, 200));
        assertThat(PartitionRange.parse("0:100-200").endExclusive()).isEqualTo(201);
        assertThat(PartitionRange.parse("3:500-")).isEqualTo(new PartitionRange(3, 500, OptionalLong.empty()));
        assertThatThrownBy(() -> PartitionRange.parse("0:200-100")).hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> PartitionRange.parse("0-100")).hasMessageContaining("expected PARTITION:FROM-TO");
    }

    @Test
    void shouldMatchHeaderRegexOnTheLatestValue() {
        HeaderMatch m = HeaderMatch.parse(DlqHeaders.REASON + "=^UNDECODABLE$");
        RecordHeaders h = new RecordHeaders();
        assertThat(m.matches(h)).as("missing header").isFalse();
        h.add(DlqHeaders.REASON, bytes("UNDECODABLE"));
        assertThat(m.matches(h)).as("exact value").isTrue();
        h.add(DlqHeaders.REASON, bytes("KEY_MISMATCH"));
        assertThat(m.matches(h)).as("latest value wins").isFalse();
        assertThat(HeaderMatch.parse("x=a=b").regex().pattern()).as("split at the first '='").isEqualTo("a=b");
        assertThatThrownBy(() -> HeaderMatch.parse("noequals")).hasMessageContaining("NAME=REGEX");
        assertThatThrownBy(() -> HeaderMatch.parse("x=(")).hasMessageContaining("bad regex");
    }

    @Test
    void shouldFilterByUserTypeAndHeaders() {
        byte[] purchase = Serdes.USER_EVENT.toBytes(event("e1", "user-1", EventType.PURCHASE, 1000L));
        ConsumerRecord<byte[], byte[]> keyed = record(bytes("user-1"), purchase);
        ConsumerRecord<byte[], byte[]> unkeyed = record(null, purchase);
        ConsumerRecord<byte[], byte[]> garbage = record(bytes("user-1"), bytes("not avro"));

        RecordFilter byUser = new RecordFilter(Set.of("user-1"), Set.of(), List.of());
        assertThat(byUser.test(keyed)).as("user by key").isTrue();
        assertThat(byUser.test(unkeyed)).as("user by value's userId").isTrue();
        assertThat(byUser.test(garbage)).as("undecodable value, user by key").isTrue();
        assertThat(new RecordFilter(Set.of("user-2"), Set.of(), List.of()).test(keyed)).as("other user").isFalse();

        RecordFilter byType = new RecordFilter(Set.of(), Set.of(EventType.PURCHASE), List.of());
        assertThat(byType.test(keyed)).as("matching type").isTrue();
        assertThat(byType.test(garbage)).as("undecodable never matches a type").isFalse();
        assertThat(new RecordFilter(Set.of(), Set.of(EventType.VIEW), List.of()).test(keyed)).as("other type").isFalse();

        assertThat(new RecordFilter(Set.of(), Set.of(), List.of()).test(garbage)).as("no filter passes anything")
                .isTrue();
    }

    @Test
    void shouldRejectInconsistentSpecs() {
        assertThatThrownBy(() -> ReplaySpec.builder("a", null).build()).hasMessageContaining("target topic is required");
        assertThat(ReplaySpec.builder("a", null).dryRun(true).build().targetTopic()).isNull();
        assertThatThrownBy(() -> ReplaySpec.builder("a", "b").from(java.time.Instant.ofEpochMilli(5))
                .to(java.time.Instant.ofEpochMilli(5)).build()).hasMessageContaining("is not before");
        assertThatThrownBy(() -> ReplaySpec.builder("a", "b").partitionRange(PartitionRange.of(0, 1, 2))
                .partitionRange(PartitionRange.of(0, 5, 6)).build()).hasMessageContaining("more than once");
        assertThat(ReplaySpec.builder("a", "b").build().from()).isEqualTo(Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> record(byte[] key, byte[] value) {
        return new ConsumerRecord<>("t", 0, 0L, 0L, TimestampType.CREATE_TIME, 0, 0, key, value, new RecordHeaders(),
                Optional.empty());
    }
}
