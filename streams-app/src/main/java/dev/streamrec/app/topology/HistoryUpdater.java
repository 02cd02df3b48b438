package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.HistoryEntry;
import dev.streamrec.avro.internal.UserHistory;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Appends the event to the user's history (the last {@code streamrec.history.max-events}, in
 * arrival order) and remembers purchased items (the last {@code streamrec.history.max-purchases}),
 * then passes the event on with the updated history.
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
        UserHistory old = store.get(record.key());
        List<HistoryEntry> events = new ArrayList<>(old == null ? List.of() : old.getEvents());
        List<String> purchased = new ArrayList<>(old == null ? List.of() : old.getPurchased());
        events.add(new HistoryEntry(e.getEventId(), e.getItemId(), e.getType().name(), e.getTimestamp()));
        if (events.size() > maxEvents) {
            events = new ArrayList<>(events.subList(events.size() - maxEvents, events.size()));
        }
        if (e.getType() == EventType.PURCHASE) {
            purchased.remove(e.getItemId());
            purchased.add(e.getItemId());
            if (purchased.size() > maxPurchases) {
                purchased = new ArrayList<>(purchased.subList(purchased.size() - maxPurchases, purchased.size()));
            }
        }
        UserHistory updated = new UserHistory(events, purchased);
        store.put(record.key(), updated);
        context.forward(record.withValue(new ValidEvent(e, updated)));
    }
}
