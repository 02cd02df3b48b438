package dev.streamrec.app.topology;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.UserHistory;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Appends the event to the user's history (the last {@code streamrec.history.max-events}, in
 * arrival order) and remembers purchased items (the last {@code streamrec.history.max-purchases}),
 * then passes the event on with the updated history (decoded once here; the steps after it read
 * this copy instead of the store).
 */
final class HistoryUpdater implements FixedKeyProcessor<String, UserEvent, ValidEvent> {

    private final int maxEvents;
    private final int maxPurchases;
    private FixedKeyProcessorContext<String, ValidEvent> context;
    private KeyValueStore<String, UserHistory> store;

    HistoryUpdater(TopologySettings settings) {
        this.maxEvents = settings.historySize();
        this.maxPurchases = settings.maxPurchases();
    }

    @Override
    public void init(FixedKeyProcessorContext<String, ValidEvent> context) {
        this.context = context;
        this.store = context.getStateStore(StreamrecTopology.HISTORY_STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, UserEvent> record) {
        UserEvent e = record.value();
        History updated = History.of(store.get(record.key())).append(e, maxEvents, maxPurchases);
        store.put(record.key(), updated.toAvro());
        context.forward(record.withValue(new ValidEvent(e, updated)));
    }
}
