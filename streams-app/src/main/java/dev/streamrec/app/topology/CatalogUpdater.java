package dev.streamrec.app.topology;

import dev.streamrec.avro.Item;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The {@value StreamrecTopology#CATALOG_GLOBAL_STORE} global store's processor (runs on the global thread):
 * writes each item-catalog record to the store as a global table would (a null value deletes), then
 * invalidates the item in the instance's {@link CatalogCache}, so an item going out of stock is seen by the
 * next ranking that asks about it. The cache is emptied when the processor is initialised (the global store
 * was restored or re-created).
 */
final class CatalogUpdater implements Processor<String, Item, Void, Void> {

    private final CatalogCache cache;
    private TimestampedKeyValueStore<String, Item> store;

    CatalogUpdater(CatalogCache cache) {
        this.cache = cache;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(StreamrecTopology.CATALOG_GLOBAL_STORE);
        cache.clear();
    }

    @Override
    public void process(Record<String, Item> record) {
        if (record.key() == null) {
            return; // a global table skips keyless records too
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        }
        cache.invalidate(record.key());
    }
}
