package dev.streamrec.app.topology;

import java.util.Locale;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' production exception handler for every topic the app writes: the recommendations
 * sink, the dead-letter topic and the internal topics (repartition, changelogs, item-neighbours,
 * trending-items). Policy:
 * <ul>
 *   <li>{@link RecordTooLargeException}: one log line (topic, sizes, the input record it came from),
 *       counted in {@code streamrec_production_errors_total}, and the record is dropped: processing
 *       continues ({@code streamrec.errors.record-too-large: continue}, the default). Under
 *       exactly-once the producer's transaction aborts after any failed send, whatever this handler
 *       answers, so the input record is also marked in {@link PoisonRecords}: the task's retry sends it
 *       to the DLQ ({@link RejectReason#OUTPUT_TOO_LARGE}) instead of failing again. With
 *       {@code fail} the stream thread stops instead, with the same one line; under the default
 *       {@code REPLACE_THREAD} policy it is replaced and fails on the same record again, which the
 *       liveness check reports. Only the record that failed first is marked and counted: the records the
 *       producer then aborts with the same exception instance are not too large
 *       ({@link PoisonRecords#firstReport}).</li>
 *   <li>a retriable error: retry, as Kafka Streams' default handler does;</li>
 *   <li>anything else: one line, counted, and the thread fails (the default policy: a broken
 *       producer is not something to skip past).</li>
 * </ul>
 * It never returns dead-letter records. Kafka Streams' default handler does when a DLQ topic is set,
 * so a dead-letter record too large to send was dead-lettered again, recursively, until the stack
 * overflowed; here a failed DLQ send is counted and dropped like any other too-large record.
 *
 * <p>Configured by {@link StreamrecTopology#configure} as {@code production.exception.handler}.
 */
public final class ProductionErrorHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProductionErrorHandler.class);

    /** Configuration key of the too-large policy: {@code continue} (default) or {@code fail}. */
    public static final String RECORD_TOO_LARGE_POLICY_CONFIG = "streamrec.errors.record-too-large";

    private DeadLetters.Target target = DeadLetters.Target.NONE;
    private boolean continueWhenTooLarge = true;
    private PoisonRecords poison;

    @Override
    public void configure(Map<String, ?> configs) {
        target = DeadLetters.Target.from(configs);
        Object policy = configs.get(RECORD_TOO_LARGE_POLICY_CONFIG);
        String p = policy == null ? "continue" : policy.toString().trim().toLowerCase(Locale.ROOT);
        if (!p.equals("continue") && !p.equals("fail")) {
            throw new IllegalArgumentException(RECORD_TOO_LARGE_POLICY_CONFIG + " must be continue or fail, was " + policy);
        }
        continueWhenTooLarge = p.equals("continue");
        poison = PoisonRecords.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        String role = target.role(record.topic());
        String error = exception instanceof RecordTooLargeException ? "RECORD_TOO_LARGE" : exception.getClass().getSimpleName();
        if (exception instanceof RetriableException) {
            LOG.warn("retrying send to topic={} ({}): {}", record.topic(), role, exception.toString());
            return Response.retry();
        }
        if (exception instanceof RecordTooLargeException && poison != null && !poison.firstReport(exception)) {
            // Not this record's fault: an earlier send of the transaction failed with this exception and the
            // producer aborts the rest of the transaction with it. The task retries this record after the abort.
            LOG.debug("send to topic={} aborted with the transaction (an earlier send failed: {})", record.topic(),
                    exception.getMessage());
            return Response.resume();
        }
        target.metrics().productionError(role, error);
        boolean resume = exception instanceof RecordTooLargeException && continueWhenTooLarge;
        if (resume && poison != null) {
            poison.mark(context); // under exactly-once the transaction aborts anyway: the retry dead-letters it
        }
        String line = "could not write to topic={} ({}) key+value={} bytes, from input topic={} partition={} offset={}"
                + " processor={} error={} action={}: {}";
        Object[] args = {record.topic(), role, bytes(record), context.topic(), context.partition(), context.offset(),
                context.processorNodeId(), error, resume ? "dropped, processing continues" : "stream thread stops",
                exception.getMessage()};
        if (resume) {
            LOG.warn(line, args);
            return Response.resume();
        }
        LOG.error(line, args);
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        // The app's serializers fail only on a bug (a record its own code built): stop, with one line.
        target.metrics().productionError(target.role(record.topic()), "SERIALIZATION");
        LOG.error("could not serialize the {} of a record for topic={} from input topic={} partition={} offset={}"
                        + " processor={} action=stream thread stops: {}", origin.toString().toLowerCase(Locale.ROOT),
                record.topic(), context.topic(), context.partition(), context.offset(), context.processorNodeId(),
                exception.toString());
        return Response.fail();
    }

    private static long bytes(ProducerRecord<byte[], byte[]> r) {
        return (r.key() == null ? 0L : r.key().length) + (r.value() == null ? 0L : r.value().length);
    }
}
