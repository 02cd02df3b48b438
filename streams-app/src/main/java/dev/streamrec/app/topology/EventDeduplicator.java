package dev.streamrec.app.topology;

import java.time.Duration;

import dev.streamrec.avro.UserEvent;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops a second delivery of an eventId. The ids live in a window store keyed by eventId and
 * stamped with the record time, so they expire after {@code streamrec.dedupe.retention} (the store's
 * retention: bounded state). Since the key is the userId, every delivery of one event reaches the
 * same task. A duplicate changes nothing: no history entry, no co-visit, no recommendation.
 */
final class EventDeduplicator implements FixedKeyProcessor<String, UserEvent, UserEvent> {

    private final long retentionMs;
    private final TopologyMetrics metrics;
    private FixedKeyProcessorContext<String, UserEvent> context;
    private WindowStore<String, Long> seen;

    EventDeduplicator(Duration retention, TopologyMetrics metrics) {
        this.retentionMs = retention.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UserEvent> context) {
        this.context = context;
        this.seen = context.getStateStore(StreamrecTopology.EVENT_IDS_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, UserEvent> record) {
        String eventId = record.value().getEventId();
        long ts = record.timestamp();
        try (WindowStoreIterator<Long> it = seen.fetch(eventId, Math.max(0, ts - retentionMs), ts + retentionMs)) {
            if (it.hasNext()) {
                metrics.duplicate();
                return;
            }
        }
        seen.put(eventId, ts, ts);
        context.forward(record);
    }
}
