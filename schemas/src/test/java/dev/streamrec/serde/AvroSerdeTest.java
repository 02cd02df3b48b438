package dev.streamrec.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private static UserEvent event() {
        return UserEvent.newBuilder().setEventId("e-1").setUserId("u-1").setSessionId("s-1").setItemId("i-9")
                .setType(EventType.CLICK).setTimestamp(1_700_000_000_000L).setContext(Map.of("page", "home")).build();
    }

    @Test
    void shouldRoundTripARecord() {
        UserEvent e = event();
        byte[] bytes = Serdes.USER_EVENT.serializer().serialize("t", e);
        assertThat(bytes[0]).as("single-object marker").isEqualTo((byte) 0xC3);
        assertThat(Serdes.USER_EVENT.deserializer().deserialize("t", bytes)).isEqualTo(e);
    }

    @Test
    void shouldReadARecordWrittenWithThePreviousSchemaVersion() throws Exception {
        // given a v1 producer, whose UserEvent has no 'context' field
        Schema v1 = AvroSerde.historySchema("avro-history/UserEvent-v1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("eventId", "e-old");
        old.put("userId", "u-7");
        old.put("sessionId", null);
        old.put("itemId", "i-3");
        old.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "PURCHASE"));
        old.put("timestamp", 42L);
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);

        // when the current reader decodes it
        UserEvent decoded = Serdes.USER_EVENT.fromBytes(bytes);

        // then the fields carry over and the added field takes its default
        assertThat(decoded.getEventId()).isEqualTo("e-old");
        assertThat(decoded.getType()).isEqualTo(EventType.PURCHASE);
        assertThat(decoded.getTimestamp()).isEqualTo(42L);
        assertThat(decoded.getContext()).as("field added in v2 gets its default").isEmpty();
    }

    @Test
    void shouldReadAnItemWrittenBeforeItHadABrand() throws Exception {
        // given a catalogue producer on Item v1 (no 'brand')
        Schema v1 = AvroSerde.historySchema("avro-history/Item-v1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("itemId", "i-1");
        old.put("title", null);
        old.put("category", "shoes");
        old.put("price", 9.5);
        old.put("inStock", true);
        old.put("attributes", Map.of());
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);


        // when the current reader decodes it, then brand takes its default and the rest carries over
        dev.streamrec.avro.Item item = Serdes.ITEM.fromBytes(bytes);
        assertThat(item.getCategory()).isEqualTo("shoes");
        assertThat(item.getPrice()).isEqualTo(9.5);
        assertThat(item.getBrand()).as("added in v2").isNull();
    }

    @Test
    void shouldReadRecommendationsWrittenBeforeExperimentsWithEmptyExperimentAndVariant() throws Exception {
        // given a list written by an app from before A/B experiments
        Schema v1 = AvroSerde.historySchema("avro-history/Recommendations-v1.avsc");
        GenericRecord old = new GenericData.Record(v1);
        old.put("userId", "u-1");
        old.put("generatedAt", 7L);
        old.put("modelVersion", "heuristic");
        old.put("triggerEventId", "e-1");
        old.put("items", java.util.List.of());
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);


        // when the current reader decodes it
        dev.streamrec.avro.Recommendations decoded = Serdes.RECOMMENDATIONS.fromBytes(bytes);

        // then experiment and variant are empty: not in any experiment
        assertThat(decoded.getUserId()).isEqualTo("u-1");
        assertThat(decoded.getExperiment()).isEmpty();
        assertThat(decoded.getVariant()).isEmpty();
    }

    @Test
    void shouldRejectAnUnknownFingerprintWithATypedError() {
        byte[] bytes = Serdes.USER_EVENT.toBytes(event());
        bytes[5] ^= 0x5A; // corrupt the fingerprint
        assertThatThrownBy(() -> Serdes.USER_EVENT.fromBytes(bytes))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.reason()).isEqualTo(RecordDecodingException.Reason.UNKNOWN_SCHEMA))
                .hasMessageContaining("unknown writer schema fingerprint");
    }

    @Test
    void shouldRejectTruncatedBytesWithATypedError() {
        byte[] bytes = Serdes.USER_EVENT.toBytes(event());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 6);
        assertThatThrownBy(() -> Serdes.USER_EVENT.fromBytes(cut))
                .isInstanceOf(RecordDecodingException.class)
                .hasMessageContaining("UserEvent");
    }

    @Test
    void shouldRejectGarbageWithATypedError() {
        assertThatThrownBy(() -> Serdes.USER_EVENT.fromBytes("hello, world".getBytes()))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.reason()).isEqualTo(RecordDecodingException.Reason.NOT_SINGLE_OBJECT_ENCODED))
                .hasMessageContaining("not an Avro single-object encoded UserEvent");
        assertThatThrownBy(() -> Serdes.USER_EVENT.fromBytes(new byte[0])).isInstanceOf(RecordDecodingException.class);
    }

    @Test
    void shouldPassTombstonesThroughAsNull() {
        assertThat(Serdes.ITEM.deserializer().deserialize("t", null)).isNull();
        assertThat(Serdes.ITEM.serializer().serialize("t", null)).isNull();
    }
}
