package dev.streamrec.app.topology;

import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' processing exception handler for the app (KIP-1033/KIP-1034). The validation
 * processor throws {@link InvalidEventException} for a bad event; this handler logs it in one line
 * with its record context, counts it, and returns the original {@code user-events} bytes
 * ({@link ErrorHandlerContext#sourceRawKey()}/{@link ErrorHandlerContext#sourceRawValue()}) as a
 * dead-letter record; processing resumes with the next record. Any other exception is a bug: it is
 * logged with its stack trace and dead-lettered as {@link RejectReason#PROCESSING_ERROR} (with the
 * stack trace header), and processing still resumes, so one poison record cannot stop the
 * application. Failures outside user-events records (punctuations, the item-partitioned
 * sub-topology) are logged and counted but not dead-lettered. A {@link StreamsException} is Kafka
 * Streams' own failure (e.g. a send refused because the transactional producer is in an error state
 * after an earlier send failed), not the record's: the record is not dead-lettered and the stream
 * thread fails, so the task retries it from its last commit (one line, no stack trace). Dead-lettering
 * it would drop a good event, and under exactly-once the dead letter would be aborted anyway.
 *
 * <p>Configured by {@link StreamrecTopology#configure} as {@code processing.exception.handler}.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private DeadLetters.Target target = DeadLetters.Target.NONE;

    @Override
    public void configure(Map<String, ?> configs) {
        target = DeadLetters.Target.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException) {
            LOG.error("processing stopped topic={} partition={} offset={} processor={} task={} action=stream thread fails,"
                            + " the task retries from its last commit: {}{}", context.topic(), context.partition(),
                    context.offset(), context.processorNodeId(), context.taskId(), exception.getMessage(),
                    exception.getCause() == null ? "" : " (" + exception.getCause() + ")");
            return Response.fail();
        }
        boolean expected = exception instanceof InvalidEventException;
        RejectReason reason = exception instanceof InvalidEventException e ? e.reason() : RejectReason.PROCESSING_ERROR;
        boolean deadLetter = target.deadLetters(context.topic());
        String action = deadLetter ? "dead-lettered to " + target.dlqTopic() : "skipped";
        if (expected) {
            LOG.warn("rejected record topic={} partition={} offset={} processor={} reason={} action={}: {}",
                    context.topic(), context.partition(), context.offset(), context.processorNodeId(), reason, action,
                    exception.getMessage());
        } else {
            LOG.error("processing failed topic={} partition={} offset={} processor={} task={} reason={} action={}",
                    context.topic(), context.partition(), context.offset(), context.processorNodeId(), context.taskId(),
                    reason, action, exception);
        }
        target.metrics().rejected(reason);
        if (!deadLetter) {
            return Response.resume();
        }
        return Response.resume(List.of(target.deadLetter(context.sourceRawKey(), context.sourceRawValue(), context.headers(),
                context, exception, reason, null, !expected)));
    }
}
