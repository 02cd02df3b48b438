package dev.streamrec.serde;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
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

    static {
        AvroLimits.install(); // before the first decode anywhere in the JVM
    }

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

    /**
     * Decodes one record; every failure is a {@link RecordDecodingException} with a clear message and
     * a {@link RecordDecodingException.Reason}, whatever Avro threw (a length or count beyond
     * {@link AvroLimits}, a count beyond what Java can hold, missing bytes, garbage).
     */
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
        } catch (IOException | RuntimeException e) {
            throw classify(e, bytes.length);
        }
    }

    /**
     * Maps what Avro threw to the one typed error. Avro wraps some causes (an {@link EOFException}
     * in an {@code AvroRuntimeException}), so the whole cause chain is looked at.
     */
    private RecordDecodingException classify(Exception e, int length) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EOFException) {
                return new RecordDecodingException(RecordDecodingException.Reason.TRUNCATED,
                        "truncated " + schema.getName() + " record (" + length + " bytes)", e);
            }
            if (t instanceof SystemLimitException || t instanceof UnsupportedOperationException) {
                // A length or item count over the configured limit, or over what a Java array can hold.
                return new RecordDecodingException(RecordDecodingException.Reason.LIMIT_EXCEEDED,
                        "malformed " + schema.getName() + " record (" + length + " bytes) claims more than the read limit: "
                                + t.getMessage(), e);
            }
        }
        // AvroRuntimeException, IndexOutOfBounds, NegativeArraySize, ClassCast, IllegalArgument...:
        // whatever garbage makes the decoder throw is the same outcome for the caller.
        return new RecordDecodingException(RecordDecodingException.Reason.MALFORMED,
                "malformed " + schema.getName() + " record (" + length + " bytes): " + e, e);
    }

    /**
     * A deserializer that refuses values longer than {@code maxBytes} before decoding them
     * ({@link RecordDecodingException.Reason#RECORD_TOO_LARGE}); otherwise as {@link #deserializer()}.
     */
    public Deserializer<T> deserializer(int maxBytes) {
        return (topic, data) -> {
            if (data == null) {
                return null;
            }
            if (data.length > maxBytes) {
                throw new RecordDecodingException(RecordDecodingException.Reason.RECORD_TOO_LARGE,
                        schema.getName() + " record of " + data.length + " bytes is over the limit of " + maxBytes + " bytes",
                        null);
            }
            return fromBytes(data);
        };
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
