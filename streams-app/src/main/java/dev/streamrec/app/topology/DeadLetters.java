package dev.streamrec.app.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import dev.streamrec.topics.DlqHeaders;
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
        put(h, DlqHeaders.STREAMS_EXCEPTION, error.getClass().getName());
        put(h, DlqHeaders.STREAMS_MESSAGE, truncate(String.valueOf(error.getMessage())));
        if (withStack) {
            java.io.StringWriter w = new java.io.StringWriter();
            error.printStackTrace(new java.io.PrintWriter(w));
            put(h, DlqHeaders.STREAMS_STACKTRACE, w.toString());
        }
        put(h, DlqHeaders.STREAMS_TOPIC, context.topic());
        put(h, DlqHeaders.STREAMS_PARTITION, String.valueOf(context.partition()));
        put(h, DlqHeaders.STREAMS_OFFSET, String.valueOf(context.offset()));
        put(h, DlqHeaders.REASON, reason.name());
        if (detail != null) {
            put(h, DlqHeaders.DETAIL, detail);
        }
        put(h, DlqHeaders.TIME, Instant.ofEpochMilli(nowMs).toString());
        return dlq;
    }

    /**
     * Where the two exception handlers send dead letters, read once from their configuration: the DLQ
     * topic (null when none is configured), the user-events topic whose records alone are
     * dead-lettered, and the metrics to count them in.
     */
    record Target(String dlqTopic, String userEventsTopic, TopologyMetrics metrics) {

        static final Target NONE = new Target(null, null, TopologyMetrics.NOOP);

        static Target from(Map<String, ?> configs) {
            Object dlq = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            Object source = configs.get(USER_EVENTS_TOPIC_CONFIG);
            return new Target(dlq == null || dlq.toString().isBlank() ? null : dlq.toString(),
                    source == null ? null : source.toString(),
                    configs.get(METRICS_CONFIG) instanceof TopologyMetrics m ? m : TopologyMetrics.NOOP);
        }

        /** Whether a record read from {@code sourceTopic} goes to the DLQ (else it is logged, counted and skipped). */
        boolean deadLetters(String sourceTopic) {
            return dlqTopic != null && sourceTopic != null && sourceTopic.equals(userEventsTopic);
        }
    }

    static String truncate(String s) {
        return s.length() <= MAX_MESSAGE_CHARS ? s : s.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
