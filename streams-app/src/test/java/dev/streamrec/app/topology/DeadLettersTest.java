package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import dev.streamrec.topics.DlqHeaders;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** Dead-letter records stay under the size bound; a record that cannot be written never loops. */
class DeadLettersTest {

    private static final int MAX = DeadLetters.DEFAULT_MAX_RECORD_BYTES;

    @Test
    void shouldKeepASmallRecordWhole() {
        byte[] value = {1, 2, 3};
        ProducerRecord<byte[], byte[]> r = build("k".getBytes(StandardCharsets.UTF_8), value, new RecordHeaders(), true);
        assertThat(r.value()).isEqualTo(value);
        assertThat(r.headers().lastHeader(DlqHeaders.VALUE_TRUNCATED_FROM)).isNull();
        assertThat(r.headers().lastHeader(DlqHeaders.STREAMS_STACKTRACE)).isNotNull();
    }

    @Test
    void shouldCutAValueJustUnderTheBrokerLimitSoTheDeadLetterFits() {
        // given a value that alone is just under the broker's 1 MiB, and a long error with a deep stack
        byte[] value = new byte[1_048_000];
        Arrays.fill(value, (byte) 7);
        ProducerRecord<byte[], byte[]> r = build("user-1".getBytes(StandardCharsets.UTF_8), value,
                new RecordHeaders().add("trace-id", "t".getBytes(StandardCharsets.UTF_8)), true);

        // then
        assertThat(DeadLetters.size(r.key(), r.value(), r.headers())).as("fits the bound").isLessThanOrEqualTo(MAX);
        assertThat(header(r.headers(), DlqHeaders.VALUE_TRUNCATED_FROM)).isEqualTo("1048000");
        assertThat(r.value()).as("a prefix of the original").isEqualTo(Arrays.copyOf(value, r.value().length));
        assertThat(r.value().length).as("cut only as much as needed").isGreaterThan(MAX - 20_000);
        assertThat(header(r.headers(), DlqHeaders.STREAMS_STACKTRACE).length()).as("stack trace capped")
                .isLessThanOrEqualTo(DeadLetters.MAX_STACK_TRACE_CHARS + 3);
        assertThat(header(r.headers(), "trace-id")).as("small original headers kept").isEqualTo("t");
        assertThat(header(r.headers(), DlqHeaders.REASON)).isEqualTo(RejectReason.UNDECODABLE.name());
    }

    @Test
    void shouldDropHugeOriginalHeadersBeforeCuttingTheValue() {
        Headers original = new RecordHeaders().add("blob", new byte[1_040_000]);
        byte[] value = {1, 2, 3};
        ProducerRecord<byte[], byte[]> r = build(null, value, original, false);
        assertThat(DeadLetters.size(r.key(), r.value(), r.headers())).isLessThanOrEqualTo(MAX);
        assertThat(r.headers().lastHeader("blob")).isNull();
        assertThat(header(r.headers(), DlqHeaders.ORIGINAL_HEADERS_DROPPED)).isEqualTo("1");
        assertThat(r.value()).as("value kept once the headers are gone").isEqualTo(value);
    }

    @Test
    void shouldDropARecordTooLargeForAnyTopicWithOneLineAndNeverDeadLetterIt() {
        RecordingMetrics metrics = new RecordingMetrics();
        ProductionErrorHandler handler = handler(metrics, "continue");
        ProducerRecord<byte[], byte[]> tooLarge = new ProducerRecord<>("user-events-dlq", new byte[10], new byte[2_000_000]);

        ProductionExceptionHandler.Response response = handler.handleError(context(), tooLarge,
                new RecordTooLargeException("too large"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).as("no DLQ record of a failed DLQ record: no loop").isEmpty();
        assertThat(metrics.productionErrors()).containsExactly("dead-letter/RECORD_TOO_LARGE");
    }

    @Test
    void shouldLabelTheTopicRoleAndFailOnOtherErrorsAndRetryRetriableOnes() {
        RecordingMetrics metrics = new RecordingMetrics();
        ProductionErrorHandler handler = handler(metrics, "continue");
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>("recommendations", new byte[1], new byte[1]);
        ProducerRecord<byte[], byte[]> internal = new ProducerRecord<>("app-item-signals-repartition", new byte[1], new byte[1]);

        assertThat(handler.handleError(context(), internal, new RecordTooLargeException("x")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(handler.handleError(context(), out, new InvalidTopicException("x")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(handler.handleError(context(), out, new NotEnoughReplicasException("x")).result())
                .isEqualTo(ProductionExceptionHandler.Result.RETRY);
        assertThat(metrics.productionErrors()).containsExactly("internal/RECORD_TOO_LARGE", "output/InvalidTopicException");
    }

    @Test
    void shouldStopTheThreadOnATooLargeRecordWhenThePolicyIsFail() {
        ProductionErrorHandler handler = handler(new RecordingMetrics(), "fail");
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("recommendations", new byte[1], new byte[1]);
        assertThat(handler.handleError(context(), r, new RecordTooLargeException("x")).result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    @Test
    void shouldMarkOnlyTheRecordWhoseSendFailedFirstNotTheOnesAbortedWithIt() {
        // given the handler with the app's poison-record registry
        RecordingMetrics metrics = new RecordingMetrics();
        PoisonRecords poison = new PoisonRecords();
        ProductionErrorHandler handler = new ProductionErrorHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "user-events-dlq",
                DeadLetters.OUTPUT_TOPIC_CONFIG, "recommendations", DeadLetters.METRICS_CONFIG, metrics,
                PoisonRecords.CONFIG, poison));
        RecordTooLargeException failure = new RecordTooLargeException("the message is 1979 bytes");

        // when the producer reports the too-large list, then, with the same exception, a record of another
        // input that the transaction aborted because of it
        handler.handleError(context(), new ProducerRecord<>("recommendations", new byte[1], new byte[1979]), failure);
        ErrorHandlerContext other = context(43);
        ProductionExceptionHandler.Response aborted = handler.handleError(other,
                new ProducerRecord<>("app-event-ids-changelog", new byte[1], new byte[50]), failure);

        // then only the first input is marked (its retry is dead-lettered) and counted
        assertThat(poison.contains("user-events", 0, 42)).isTrue();
        assertThat(poison.contains("user-events", 0, 43)).as("an innocent record of the aborted transaction").isFalse();
        assertThat(aborted.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(metrics.productionErrors()).containsExactly("output/RECORD_TOO_LARGE");
    }

    @Test
    void shouldFailTheThreadInsteadOfDeadLetteringWhenKafkaStreamsItselfFails() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "user-events-dlq",
                DeadLetters.METRICS_CONFIG, new RecordingMetrics()));
        var send = new org.apache.kafka.streams.errors.StreamsException("Error encountered trying to send record",
                new org.apache.kafka.common.KafkaException("Cannot execute transactional method because we are in an error state"));

        var response = handler.handleError(context(), null, send);

        assertThat(response.result()).isEqualTo(org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).as("a good event is not dead-lettered").isEmpty();
    }

    private static ProductionErrorHandler handler(RecordingMetrics metrics, String policy) {
        ProductionErrorHandler handler = new ProductionErrorHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "user-events-dlq",
                DeadLetters.OUTPUT_TOPIC_CONFIG, "recommendations", DeadLetters.METRICS_CONFIG, metrics,
                ProductionErrorHandler.RECORD_TOO_LARGE_POLICY_CONFIG, policy));
        return handler;
    }

    private static ProducerRecord<byte[], byte[]> build(byte[] key, byte[] value, Headers original, boolean withStack) {
        Exception error = deep(200);
        return DeadLetters.record("user-events-dlq", key, value, original, context(), error, RejectReason.UNDECODABLE,
                "MALFORMED", withStack, 0L, MAX);
    }

    /** An exception thrown {@code depth} frames down, with a 5,000-char message. */
    private static Exception deep(int depth) {
        if (depth == 0) {
            return new IllegalStateException("x".repeat(5_000));
        }
        return deep(depth - 1);
    }

    private static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static ErrorHandlerContext context() {
        return context(42);
    }

    static ErrorHandlerContext context(long offset) {
        return new ErrorHandlerContext() {
            public String topic() { return "user-events"; }
            public int partition() { return 0; }
            public long offset() { return offset; }
            public Headers headers() { return new RecordHeaders(); }
            public String processorNodeId() { return "validate-events"; }
            public TaskId taskId() { return new TaskId(0, 0); }
            public long timestamp() { return 1L; }
            public byte[] sourceRawKey() { return null; }
            public byte[] sourceRawValue() { return null; }
        };
    }

}
