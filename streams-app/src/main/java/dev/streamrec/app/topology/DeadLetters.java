package dev.streamrec.app.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds dead-letter records the way Kafka Streams 4.2's own DLQ support does (KIP-1034: original
 * key, value and headers, plus {@code __streams.errors.*} headers), with the app's bounded reason and
 * the time added. Kafka's builder ({@code ExceptionHandlerUtils}) is internal API and always adds a
 * stack trace, which an expected rejection does not need; so the record is built here with the same
 * header names, and a stack trace only for unexpected errors.
 */
public final class DeadLetters {

    /** Kafka Streams' DLQ header names (same as {@code ExceptionHandlerUtils}). */
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String STACKTRACE = "__streams.errors.stacktrace";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** The app's bounded reason, a {@link RejectReason} name (the name the ops tools read). */
    public static final String REASON = "streamrec.error.reason";
    /** A finer bounded detail where there is one, e.g. the {@code RecordDecodingException.Reason}. */
    public static final String DETAIL = "streamrec.error.detail";
    /** When the record was dead-lettered, ISO-8601 UTC. */
    public static final String TIME = "streamrec.error.time";

    /** Longest message kept in a header; longer ones are cut. */
    static final int MAX_MESSAGE_CHARS = 1_000;

    /**
     * Configuration key under which {@link StreamrecTopology#configure} passes the user-events topic
     * name to the handlers: only its records are dead-lettered (other topics' records are not
     * user events, and their bytes would be meaningless on {@code user-events-dlq}).
     */
    public static final String USER_EVENTS_TOPIC_CONFIG = "streamrec.dlq.source-topic";
    /** Configuration key under which the {@link TopologyMetrics} instance is passed to the handlers. */
    public static final String METRICS_CONFIG = "streamrec.metrics.instance";

    private DeadLetters() {
    }

    /**
     * @param dlqTopic  the dead-letter topic
     * @param key       original key bytes (may be null)
     * @param value     original value bytes (may be null)
     * @param original  original headers (copied first)
     * @param context   where the record came from
     * @param error     what went wrong
     * @param reason    the bounded reason
     * @param detail    a finer bounded detail, or null
     * @param withStack whether to add the stack trace header
     * @param nowMs     wall-clock time, epoch ms
     */
    public static ProducerRecord<byte[], byte[]> record(String dlqTopic, byte[] key, byte[] value, Headers original,
                                                        ErrorHandlerContext context, Exception error, RejectReason reason,
                                                        String detail, boolean withStack, long nowMs) {
        ProducerRecord<byte[], byte[]> dlq = new ProducerRecord<>(dlqTopic, null, context.timestamp() >= 0
                ? context.timestamp() : null, key, value);
        if (original != null) {
            for (Header h : original) {
                dlq.headers().add(h);
            }
        }
        Headers h = dlq.headers();
        put(h, EXCEPTION, error.getClass().getName());
        put(h, MESSAGE, truncate(String.valueOf(error.getMessage())));
        if (withStack) {
            java.io.StringWriter w = new java.io.StringWriter();
            error.printStackTrace(new java.io.PrintWriter(w));
            put(h, STACKTRACE, w.toString());
        }
        put(h, TOPIC, context.topic());
        put(h, PARTITION, String.valueOf(context.partition()));
        put(h, OFFSET, String.valueOf(context.offset()));
        put(h, REASON, reason.name());
        if (detail != null) {
            put(h, DETAIL, detail);
        }
        put(h, TIME, Instant.ofEpochMilli(nowMs).toString());
        return dlq;
    }

    /** The DLQ topic from the handler configuration, or null when none is configured. */
    static String dlqTopic(Map<String, ?> configs) {
        Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        return t == null || t.toString().isBlank() ? null : t.toString();
    }

    static TopologyMetrics metrics(Map<String, ?> configs) {
        return configs.get(METRICS_CONFIG) instanceof TopologyMetrics m ? m : TopologyMetrics.NOOP;
    }

    static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
