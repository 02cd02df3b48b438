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
    void shouldReadRecordsWrittenBeforeTenantsAsTheDefaultTenant() throws Exception {
        // given an event, an item, a list, an experiment and a deletion written before tenantId existed
        dev.streamrec.avro.UserEvent event = Serdes.USER_EVENT.fromBytes(encodeOld("avro-history/UserEvent-v2.avsc",
                java.util.Map.of("eventId", "e-1", "userId", "u-1", "itemId", "i-1", "type", "VIEW", "timestamp", 5L,
                        "context", java.util.Map.of())));
        dev.streamrec.avro.Item item = Serdes.ITEM.fromBytes(encodeOld("avro-history/Item-v2.avsc",
                java.util.Map.of("itemId", "i-1", "inStock", true, "attributes", java.util.Map.of())));
        dev.streamrec.avro.Recommendations recs = Serdes.RECOMMENDATIONS.fromBytes(encodeOld(
                "avro-history/Recommendations-v2.avsc", java.util.Map.of("userId", "u-1", "generatedAt", 7L,
                        "modelVersion", "heuristic", "triggerEventId", "e-1", "items", java.util.List.of(),
                        "experiment", "exp", "variant", "a")));
        dev.streamrec.avro.Experiment experiment = Serdes.EXPERIMENT.fromBytes(encodeOld("avro-history/Experiment-v1.avsc",
                java.util.Map.of("name", "exp", "salt", "s", "active", true, "updatedAt", 0L, "variants", java.util.List.of())));
        dev.streamrec.avro.UserDeletion deletion = Serdes.USER_DELETION.fromBytes(encodeOld(
                "avro-history/UserDeletion-v1.avsc", java.util.Map.of("userId", "u-1", "requestedAt", 9L)));

        // then each decodes, in the default tenant
        assertThat(event.getTenantId()).as("UserEvent v2").isEqualTo("default");
        assertThat(event.getUserId()).isEqualTo("u-1");
        assertThat(item.getTenantId()).as("Item v2").isEqualTo("default");
        assertThat(recs.getTenantId()).as("Recommendations v2").isEqualTo("default");
        assertThat(recs.getExperiment()).isEqualTo("exp");
        assertThat(experiment.getTenantId()).as("Experiment v1").isEqualTo("default");
        assertThat(deletion.getTenantId()).as("UserDeletion v1").isEqualTo("default");
        assertThat(deletion.getRequestedAt()).isEqualTo(9L);
    }

    @Test
    void shouldRoundTripATenant() {
        dev.streamrec.avro.UserEvent e = dev.streamrec.avro.UserEvent.newBuilder().setEventId("e").setUserId("u")
                .setItemId("i").setType(dev.streamrec.avro.EventType.CLICK).setTimestamp(1L).setTenantId("shop-b").build();
        assertThat(Serdes.USER_EVENT.fromBytes(Serdes.USER_EVENT.toBytes(e)).getTenantId()).isEqualTo("shop-b");
        assertThat(dev.streamrec.avro.UserEvent.newBuilder().setEventId("e").setUserId("u").setItemId("i")
                .setType(dev.streamrec.avro.EventType.CLICK).setTimestamp(1L).build().getTenantId())
                .as("a builder that never sets it writes the default tenant").isEqualTo("default");
    }

    /** A record of an older schema, single-object encoded as its producer wrote it (enum symbols by name). */
    private static byte[] encodeOld(String resource, java.util.Map<String, Object> fields) throws Exception {
        Schema schema = AvroSerde.historySchema(resource);
        GenericRecord old = new GenericData.Record(schema);
        fields.forEach((name, value) -> old.put(name, schema.getField(name).schema().getType() == Schema.Type.ENUM
                ? new GenericData.EnumSymbol(schema.getField(name).schema(), value.toString()) : value));
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema).encode(old);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        return bytes;
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
