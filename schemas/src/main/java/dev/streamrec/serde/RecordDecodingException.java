package dev.streamrec.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The one error a record decoder raises: unknown schema fingerprint, truncated bytes, a length
 * over the read limits, or bytes that are not Avro single-object encoding at all. It extends Kafka's {@link SerializationException}
 * so Kafka Streams' deserialization exception handler sees it and routes the record to the
 * dead-letter topic instead of killing the stream thread.
 */
public class RecordDecodingException extends SerializationException {

    /** Why decoding failed; a bounded set, so it can label a metric. */
    public enum Reason {
        /** No single-object marker, or fewer than 10 bytes. */
        NOT_SINGLE_OBJECT_ENCODED,
        /** A schema fingerprint this reader does not know. */
        UNKNOWN_SCHEMA,
        /** The bytes end before the record does. */
        TRUNCATED,
        /** A string, bytes or collection length over the read limits ({@link AvroLimits}): a length bomb. */
        LIMIT_EXCEEDED,
        /** The whole record is longer than the reader accepts ({@link AvroSerde#deserializer(int)}). */
        RECORD_TOO_LARGE,
        /** Anything else the decoder could not make sense of. */
        MALFORMED
    }

    private final Reason reason;

    public RecordDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
