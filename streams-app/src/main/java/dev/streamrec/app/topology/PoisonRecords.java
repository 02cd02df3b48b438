package dev.streamrec.app.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Input records whose processing produced a record the broker refused as too large, remembered by
 * source topic, partition and offset so the retry can dead-letter them.
 *
 * <p>Under exactly-once a failed send puts the transactional producer in an error state: whatever
 * the production handler answers, the transaction aborts and the task reprocesses the same input
 * record, which fails the same way, forever. {@link ProductionErrorHandler} marks the input record
 * here; when it comes back, {@link EventValidator} (the first processor) rejects it as
 * {@link RejectReason#OUTPUT_TOO_LARGE} before it fans out, so it goes to the DLQ and the stream
 * moves on after one retry. Under at-least-once the send is simply skipped, and the mark is unused.
 * A failure whose input record is unknown (a changelog record flushed at commit) cannot be marked;
 * the input limits keep those records small, and liveness reports a loop if one happens anyway.
 *
 * <p>Only the record that caused the failure is marked. Once a send has failed, the transactional
 * producer is in an error state and fails every other record of the transaction with the same
 * exception instance (batches aborted with it); those records are not too large, and marking them
 * would dead-letter good events on the retry ({@link #firstReport}).
 *
 * <p>One instance per application, passed to the handler and the validator through the Streams
 * configuration ({@link #CONFIG}); bounded, thread-safe.
 */
public final class PoisonRecords {

    /** Configuration key under which {@link StreamrecTopology#configure} passes the instance. */
    public static final String CONFIG = "streamrec.poison-records.instance";
    private static final int MAX_REMEMBERED = 10_000;

    private final Set<String> marked = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<String, Boolean>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > MAX_REMEMBERED;
                }
            }));

    /** Send failures already reported, by identity (weak: the producer drops them when the transaction ends). */
    private final Set<Throwable> reported = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /**
     * True the first time {@code failure} (this instance) is reported. The producer reports the send that
     * failed first, then, with the same instance, every record the transaction aborts because of it.
     */
    boolean firstReport(Throwable failure) {
        return reported.add(failure);
    }

    /** Remembers the input record of {@code context}; false when it is unknown (no source offset). */
    boolean mark(ErrorHandlerContext context) {
        if (context == null || context.topic() == null || context.offset() < 0) {
            return false;
        }
        marked.add(key(context.topic(), context.partition(), context.offset()));
        return true;
    }

    boolean contains(String topic, int partition, long offset) {
        return topic != null && marked.contains(key(topic, partition, offset));
    }

    /** The instance in a Streams configuration map, or null. */
    static PoisonRecords from(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof PoisonRecords p ? p : null;
    }

    private static String key(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }
}
