package dev.streamrec.app.topology;

import java.util.List;
import java.util.Map;

import dev.streamrec.serde.RecordDecodingException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization exception handler for the app: an undecodable or oversized
 * ({@link RejectReason#RECORD_TOO_LARGE}, refused before decoding) {@code user-events} record is logged in one line (no stack trace: bad input is expected), counted, and returned to
 * Kafka Streams as a dead-letter record with its original key, value and headers; processing
 * resumes. Under exactly-once the DLQ record is written in the task's transaction, so it appears
 * exactly once even when the task is retried. Records of other topics (the catalog, the internal
 * topics) are logged and skipped, not dead-lettered: the DLQ holds user events only.
 *
 * <p>Configured by {@link StreamrecTopology#configure} as {@code deserialization.exception.handler}.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private DeadLetters.Target target = DeadLetters.Target.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        target = DeadLetters.Target.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String detail = exception instanceof RecordDecodingException rde ? rde.reason().name()
                : exception.getClass().getSimpleName();
        RejectReason reason = exception instanceof RecordDecodingException rde
                && rde.reason() == RecordDecodingException.Reason.RECORD_TOO_LARGE
                ? RejectReason.RECORD_TOO_LARGE : RejectReason.UNDECODABLE;
        boolean deadLetter = target.deadLetters(record.topic());
        LOG.warn("undecodable record topic={} partition={} offset={} reason={} detail={} action={}: {}",
                record.topic(), record.partition(), record.offset(), reason, detail,
                deadLetter ? "dead-lettered to " + target.dlqTopic() : "skipped", DeadLetters.truncate(String.valueOf(exception.getMessage())));
        target.metrics().rejected(reason);
        if (!deadLetter) {
            return Response.resume();
        }
        return Response.resume(List.of(target.deadLetter(record.key(), record.value(), record.headers(), context, exception,
                reason, detail, false)));
    }
}
