package dev.streamrec.app.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * A global store's processor (runs on the global thread) for a store read through a {@link GlobalCache}:
 * writes each record of the topic to the store as a global table would (a null value deletes, a record
 * without a key is skipped), then invalidates the key in the instance's cache, so the next read sees the
 * new value (an item going out of stock, a newly published neighbour list). The cache is emptied when the
 * processor is initialised (the global store is being restored, which Kafka Streams does through this
 * processor for a store added with {@code addGlobalStore}).
 */
final class GlobalCacheWriter<V> implements Processor<String, V, Void, Void> {

    private final String storeName;
    private final GlobalCache<?> cache;
    private TimestampedKeyValueStore<String, V> store;

    GlobalCacheWriter(String storeName, GlobalCache<?> cache) {
        this.storeName = storeName;
        this.cache = cache;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        cache.clear();
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
        }
        cache.invalidate(record.key());
    }
}
