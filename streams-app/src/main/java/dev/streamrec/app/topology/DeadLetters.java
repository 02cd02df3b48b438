package dev.streamrec.app.topology;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import dev.streamrec.topics.DlqHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Builds dead-letter records the way Kafka Streams 4.2's own DLQ support does (KIP-1034: original
 * key, value and headers, plus {@code __streams.errors.*} headers), with the app's bounded reason and
 * the time added. Kafka's builder ({@code ExceptionHandlerUtils}) is internal API and always adds a
 * stack trace, which an expected rejection does not need; so the record is built here with the same
 * header names, and a stack trace only for unexpected errors.
 *
 * <p>Every dead-letter record fits {@code streamrec.dlq.max-record-bytes} (default 1,000,000, under
 * the producer's {@code max.request.size} and the broker's {@code message.max.bytes} of 1 MiB): a
 * record just under the broker's limit plus the error headers would not, its send would fail, and
 * (before this bound) Kafka Streams dead-lettered that failure again, recursively. So the message
 * and stack trace headers are capped, and when the whole still does not fit, the original headers
 * are left out ({@link DlqHeaders#ORIGINAL_HEADERS_DROPPED}) and the value, then the key, is cut to
 * what fits ({@link DlqHeaders#VALUE_TRUNCATED_FROM} with the original length).
 */
public final class DeadLetters {

    /** Longest message kept in a header; longer ones are cut. */
    static final int MAX_MESSAGE_CHARS = 1_000;
    /** Longest stack trace kept in a header. */
    static final int MAX_STACK_TRACE_CHARS = 8_000;
    /**
     * Bytes reserved for what a record costs beyond its key, value and headers: the record batch
     * header (61 bytes), the record's own varints, and one length varint pair per header.
     */
    static final int RECORD_OVERHEAD_BYTES = 128;
    static final int PER_HEADER_OVERHEAD_BYTES = 10;

    /** Default of {@link #MAX_RECORD_BYTES_CONFIG}: under 1 MiB with room for the batch framing. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

    /**
     * Configuration key under which {@link StreamrecTopology#configure} passes the user-events topic
     * name to the handlers: only its records are dead-lettered (other topics' records are not
     * user events, and their bytes would be meaningless on {@code user-events-dlq}).
     */
    public static final String USER_EVENTS_TOPIC_CONFIG = "streamrec.dlq.source-topic";
    /** Configuration key of the recommendations topic name (labels production errors as {@code output}). */
    public static final String OUTPUT_TOPIC_CONFIG = "streamrec.dlq.output-topic";
    /** Configuration key of the largest dead-letter record in bytes (key, value, headers, framing). */
    public static final String MAX_RECORD_BYTES_CONFIG = "streamrec.dlq.max-record-bytes";
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
     * @param maxBytes  the largest record to build, see the class comment
     */
    public static ProducerRecord<byte[], byte[]> record(String dlqTopic, byte[] key, byte[] value, Headers original,
                                                        ErrorHandlerContext context, Exception error, RejectReason reason,
                                                        String detail, boolean withStack, long nowMs, int maxBytes) {
        Headers errors = new RecordHeaders();
        put(errors, DlqHeaders.STREAMS_EXCEPTION, error.getClass().getName());
        put(errors, DlqHeaders.STREAMS_MESSAGE, truncate(String.valueOf(error.getMessage())));
        if (withStack) {
            StringWriter w = new StringWriter();
            error.printStackTrace(new PrintWriter(w));
            put(errors, DlqHeaders.STREAMS_STACKTRACE, cut(w.toString(), MAX_STACK_TRACE_CHARS));
        }
        put(errors, DlqHeaders.STREAMS_TOPIC, context.topic());
        put(errors, DlqHeaders.STREAMS_PARTITION, String.valueOf(context.partition()));
        put(errors, DlqHeaders.STREAMS_OFFSET, String.valueOf(context.offset()));
        put(errors, DlqHeaders.REASON, reason.name());
        if (detail != null) {
            put(errors, DlqHeaders.DETAIL, cut(detail, MAX_MESSAGE_CHARS));
        }
        put(errors, DlqHeaders.TIME, Instant.ofEpochMilli(nowMs).toString());

        Headers headers = new RecordHeaders();
        if (original != null) {
            original.forEach(headers::add);
        }
        errors.forEach(headers::add);
        // What truncation adds: up to three small headers.
        long reserve = 3 * (PER_HEADER_OVERHEAD_BYTES + 48L + 20);
        // The original headers go only when they alone leave no room: a value is cheaper to lose.
        if (size(key, value, headers) > maxBytes && size(key, null, headers) + reserve > maxBytes
                && original != null && original.toArray().length > 0) {
            int dropped = original.toArray().length;
            headers = new RecordHeaders();
            errors.forEach(headers::add);
            put(headers, DlqHeaders.ORIGINAL_HEADERS_DROPPED, String.valueOf(dropped));
        }
        if (size(key, value, headers) > maxBytes) {
            long over = size(key, value, headers) + reserve - maxBytes;
            if (value != null) {
                int keep = (int) Math.max(0, value.length - over);
                put(headers, DlqHeaders.VALUE_TRUNCATED_FROM, String.valueOf(value.length));
                over -= value.length - keep;
                value = Arrays.copyOf(value, keep);
            }
            if (over > 0 && key != null) {
                int keep = (int) Math.max(0, key.length - over);
                put(headers, DlqHeaders.KEY_TRUNCATED_FROM, String.valueOf(key.length));
                key = Arrays.copyOf(key, keep);
            }
        }
        return new ProducerRecord<>(dlqTopic, null, context.timestamp() >= 0 ? context.timestamp() : null, key, value,
                headers);
    }

    /** Whether {@link #record} had to cut the value or key of {@code dlq}. */
    static boolean truncated(ProducerRecord<byte[], byte[]> dlq) {
        return dlq.headers().lastHeader(DlqHeaders.VALUE_TRUNCATED_FROM) != null
                || dlq.headers().lastHeader(DlqHeaders.KEY_TRUNCATED_FROM) != null;
    }

    /** An upper bound of what a record of this key, value and headers costs in a produce request. */
    static long size(byte[] key, byte[] value, Headers headers) {
        long n = RECORD_OVERHEAD_BYTES + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            n += PER_HEADER_OVERHEAD_BYTES + h.key().getBytes(StandardCharsets.UTF_8).length
                    + (h.value() == null ? 0 : h.value().length);
        }
        return n;
    }

    /**
     * Where the exception handlers send dead letters, read once from their configuration: the DLQ
     * topic (null when none is configured), the user-events topic whose records alone are
     * dead-lettered, the recommendations topic, the size bound, and the metrics to count in.
     */
    record Target(String dlqTopic, String userEventsTopic, String outputTopic, int maxRecordBytes,
                  TopologyMetrics metrics) {

        static final Target NONE = new Target(null, null, null, DEFAULT_MAX_RECORD_BYTES, TopologyMetrics.NOOP);

        static Target from(Map<String, ?> configs) {
            Object dlq = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
            Object source = configs.get(USER_EVENTS_TOPIC_CONFIG);
            Object output = configs.get(OUTPUT_TOPIC_CONFIG);
            Object max = configs.get(MAX_RECORD_BYTES_CONFIG);
            return new Target(dlq == null || dlq.toString().isBlank() ? null : dlq.toString(),
                    source == null ? null : source.toString(),
                    output == null ? null : output.toString(),
                    max == null ? DEFAULT_MAX_RECORD_BYTES : Integer.parseInt(max.toString().trim()),
                    configs.get(METRICS_CONFIG) instanceof TopologyMetrics m ? m : TopologyMetrics.NOOP);
        }

        /** Whether a record read from {@code sourceTopic} goes to the DLQ (else it is logged, counted and skipped). */
        boolean deadLetters(String sourceTopic) {
            return dlqTopic != null && sourceTopic != null && sourceTopic.equals(userEventsTopic);
        }

        /** A bounded label for a topic the app writes: {@code dead-letter}, {@code output} or {@code internal}. */
        String role(String topic) {
            if (topic != null && topic.equals(dlqTopic)) {
                return "dead-letter";
            }
            return topic != null && topic.equals(outputTopic) ? "output" : "internal";
        }

        /** Builds the dead-letter record within this target's size bound, counting a truncation. */
        ProducerRecord<byte[], byte[]> deadLetter(byte[] key, byte[] value, Headers original, ErrorHandlerContext context,
                                                  Exception error, RejectReason reason, String detail, boolean withStack) {
            ProducerRecord<byte[], byte[]> r = record(dlqTopic, key, value, original, context, error, reason, detail,
                    withStack, System.currentTimeMillis(), maxRecordBytes);
            if (truncated(r)) {
                metrics.deadLetterTruncated();
            }
            return r;
        }
    }

    static String truncate(String s) {
        return cut(s, MAX_MESSAGE_CHARS);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    private static void put(Headers headers, String name, String value) {
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
