package dev.streamrec.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The one error a record decoder raises: unknown schema fingerprint, truncated bytes, or bytes
 * that are not Avro single-object encoding at all. It extends Kafka's {@link SerializationException}
 * so Kafka Streams' deserialization exception handler sees it and routes the record to the
 * dead-letter topic instead of killing the stream thread.
 */
public class RecordDecodingException extends SerializationException {

    /** Why decoding failed; a bounded set, so it can label a metric. */
    public enum Reason { NOT_SINGLE_OBJECT_ENCODED, UNKNOWN_SCHEMA, TRUNCATED, MALFORMED }

    private final Reason reason;

    public RecordDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
