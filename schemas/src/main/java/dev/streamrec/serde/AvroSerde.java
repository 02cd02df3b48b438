package dev.streamrec.serde;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for an Avro specific record in Avro single-object encoding: a two-byte marker,
 * the 8-byte CRC-64-AVRO fingerprint of the writer schema, then the binary body. No schema
 * registry is needed: the reader knows the current schema and every older one kept under
 * {@code avro-history/} on the class path, and resolves old records to the current shape.
 *
 * <p>Instances are immutable and thread-safe (Avro's encoder and decoder keep per-thread buffers).
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Schema schema;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final List<String> knownFingerprints = new ArrayList<>();

    /**
     * @param schema  the current (reader and writer) schema of the record class
     * @param history older writer schemas still accepted on read
     */
    public AvroSerde(Schema schema, List<Schema> history) {
        this.schema = schema;
        SpecificData model = SpecificData.getForSchema(schema);
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (Schema old : history) {
            store.addSchema(old);
            knownFingerprints.add(fingerprint(old));
        }
        knownFingerprints.add(fingerprint(schema));
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    public Schema schema() {
        return schema;
    }

    public byte[] toBytes(T record) {
        try {
            ByteBuffer buffer = encoder.encode(record);
            byte[] out = new byte[buffer.remaining()];
            buffer.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to encode " + schema.getName(), e);
        }
    }

    /** Decodes one record; every failure is a {@link RecordDecodingException} with a clear message. */
    public T fromBytes(byte[] bytes) {
        if (bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new RecordDecodingException(RecordDecodingException.Reason.NOT_SINGLE_OBJECT_ENCODED,
                    "not an Avro single-object encoded " + schema.getName() + " (" + bytes.length
                            + " bytes, expected marker C3 01 and an 8-byte schema fingerprint)", null);
        }
        try {
            return decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            String fp = HexFormat.of().formatHex(bytes, 2, 10);
            throw new RecordDecodingException(RecordDecodingException.Reason.UNKNOWN_SCHEMA,
                    "unknown writer schema fingerprint " + fp + " for " + schema.getName()
                            + "; known fingerprints: " + knownFingerprints, e);
        } catch (BadHeaderException e) {
            throw new RecordDecodingException(RecordDecodingException.Reason.NOT_SINGLE_OBJECT_ENCODED,
                    "bad single-object header for " + schema.getName() + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new RecordDecodingException(RecordDecodingException.Reason.TRUNCATED,
                    "truncated " + schema.getName() + " record (" + bytes.length + " bytes)", e);
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException e) {
            throw new RecordDecodingException(RecordDecodingException.Reason.MALFORMED,
                    "malformed " + schema.getName() + " record (" + bytes.length + " bytes): " + e, e);
        }
    }

    private static String fingerprint(Schema s) {
        return HexFormat.of().formatHex(ByteBuffer.allocate(8)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(SchemaNormalization.parsingFingerprint64(s)).array());
    }

    /** Loads an older schema kept as a class-path resource, e.g. {@code avro-history/UserEvent-v1.avsc}. */
    public static Schema historySchema(String resource) {
        try (InputStream in = AvroSerde.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource not found on the class path: " + resource);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read schema " + resource, e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : toBytes(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> data == null ? null : fromBytes(data);
    }
}
