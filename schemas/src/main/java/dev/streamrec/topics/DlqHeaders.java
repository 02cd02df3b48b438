package dev.streamrec.topics;

import java.util.List;

/**
 * Header names on dead-letter and replayed records, in one place so that the streams app (which
 * writes them) and the on-call tools (which read, filter and strip them) agree.
 *
 * <p>The {@code __streams.errors.*} names are the ones Kafka Streams 4.2's dead-letter-queue support
 * writes ({@code org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils}); they are spelled
 * out here because neither this module nor the ops tools depend on kafka-streams.
 */
public final class DlqHeaders {

    /** Prefix of every header Kafka Streams adds to a dead-letter record. */
    public static final String STREAMS_ERRORS_PREFIX = "__streams.errors.";
    /** Class name of the exception that sent the record to the DLQ. */
    public static final String STREAMS_EXCEPTION = STREAMS_ERRORS_PREFIX + "exception";
    /** Message of that exception. */
    public static final String STREAMS_MESSAGE = STREAMS_ERRORS_PREFIX + "message";
    /** Stack trace of that exception. */
    public static final String STREAMS_STACKTRACE = STREAMS_ERRORS_PREFIX + "stacktrace";
    /** Topic the failed record was read from. */
    public static final String STREAMS_TOPIC = STREAMS_ERRORS_PREFIX + "topic";
    /** Partition the failed record was read from. */
    public static final String STREAMS_PARTITION = STREAMS_ERRORS_PREFIX + "partition";
    /** Offset the failed record was read from. */
    public static final String STREAMS_OFFSET = STREAMS_ERRORS_PREFIX + "offset";

    /** Prefix of the streams app's own dead-letter headers. */
    public static final String APP_ERRORS_PREFIX = "streamrec.error.";
    /**
     * The streams app's bounded reason, a {@code RejectReason} name (e.g. {@code UNDECODABLE},
     * {@code KEY_MISMATCH}); selects records with {@code replay --header-match streamrec.error.reason=...}.
     */
    public static final String REASON = APP_ERRORS_PREFIX + "reason";
    /** A finer bounded detail where there is one, e.g. {@code UNKNOWN_SCHEMA} for an undecodable record. */
    public static final String DETAIL = APP_ERRORS_PREFIX + "detail";
    /** When the record was dead-lettered, ISO-8601 UTC. */
    public static final String TIME = APP_ERRORS_PREFIX + "time";
    /**
     * Present when the dead-letter value is only the first bytes of the original: the original value's
     * length in bytes. The app cuts a value whose DLQ record (value + headers) would not fit
     * {@code streamrec.dlq.max-record-bytes}; such a record cannot be replayed as it is.
     */
    public static final String VALUE_TRUNCATED_FROM = APP_ERRORS_PREFIX + "value-truncated-from";
    /** As {@link #VALUE_TRUNCATED_FROM}, for the key. */
    public static final String KEY_TRUNCATED_FROM = APP_ERRORS_PREFIX + "key-truncated-from";
    /** Present when the original record's headers were left out to make the DLQ record fit: how many. */
    public static final String ORIGINAL_HEADERS_DROPPED = APP_ERRORS_PREFIX + "original-headers-dropped";

    /**
     * Added by {@code replay} to every record it writes: {@code <topic>:<partition>:<offset>} of the
     * source record. A record replayed twice carries two, the latest last.
     */
    public static final String REPLAYED_FROM = "streamrec.replayed-from";

    /** The Kafka Streams DLQ headers, in the order Kafka writes them. */
    public static final List<String> STREAMS_ERROR_HEADERS = List.of(STREAMS_EXCEPTION, STREAMS_STACKTRACE,
            STREAMS_MESSAGE, STREAMS_TOPIC, STREAMS_PARTITION, STREAMS_OFFSET);

    private DlqHeaders() {
    }

    /** Whether a header was written by Kafka Streams' dead-letter-queue support. */
    public static boolean isStreamsErrorHeader(String name) {
        return name.startsWith(STREAMS_ERRORS_PREFIX);
    }

    /**
     * Whether a header describes why a record was dead-lettered: Kafka Streams' {@code __streams.errors.*}
     * or the app's {@code streamrec.error.*}. Replay drops them by default: they describe the DLQ copy,
     * and a record that fails again must not carry a stale reason next to the fresh one (the app adds
     * {@link #DETAIL} only when it has one, so an old detail would otherwise survive as the latest).
     */
    public static boolean isErrorHeader(String name) {
        return isStreamsErrorHeader(name) || name.startsWith(APP_ERRORS_PREFIX);
    }
}
