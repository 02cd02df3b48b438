package dev.streamrec.app.topology;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * A key-value store that keeps its writes in memory until Kafka Streams flushes it, which it does when
 * the task commits (before the transaction commits, under exactly-once), and only then writes what is
 * left to the changelogged store beneath. An entry put and deleted between two commits never reaches
 * the changelog; one still present at a commit does, as does the delete of an entry written at an
 * earlier commit. So the changelog holds exactly what the store held at each commit, which is all a
 * restore needs: state between commits is never restored, the task reprocesses from the last committed
 * input offsets instead.
 *
 * <p>Made for the scoring buffer, whose entries usually live a few milliseconds (a batch fills or its
 * wait ends long before the commit interval): a plain logged store wrote each entry twice (put and
 * delete). Unlike Kafka Streams' record cache, a delete of a key the store beneath never had is not
 * written as a tombstone. Range reads ({@code all}, {@code range}, {@code prefixScan}) first write the
 * pending changes beneath, so they see every write in the store's order.
 */
final class WriteBehindStore<K, V> implements KeyValueStore<K, V> {

    private final KeyValueStore<K, V> inner;
    /** Changes since the last flush; a null value is a delete. */
    private final Map<K, V> writes = new HashMap<>();

    WriteBehindStore(KeyValueStore<K, V> inner) {
        this.inner = inner;
    }

    /** Builds {@code inner}'s store (metered, logged, persistent: whatever it configures) behind a write-behind layer. */
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
                throw new UnsupportedOperationException("a write-behind store does its own caching");
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
                inner.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public KeyValueStore<K, V> build() {
                return new WriteBehindStore<>(inner.build());
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        writes.clear(); // a revived task starts from what was restored
        inner.init(context, root);
    }

    /** Called by Kafka Streams at every commit (and before a clean close): the pending changes go beneath. */
    @Override
    public void flush() {
        drain();
        inner.flush();
    }

    @Override
    public void close() {
        writes.clear(); // not flushed: a close without a commit drops them, as the aborted transaction does
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    @Override
    public void put(K key, V value) {
        Objects.requireNonNull(key, "key");
        writes.put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        for (KeyValue<K, V> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public V delete(K key) {
        V old = get(key);
        writes.put(key, null);
        return old;
    }

    @Override
    public V get(K key) {
        return writes.containsKey(key) ? writes.get(key) : inner.get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        drain();
        return inner.range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        drain();
        return inner.reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        drain();
        return inner.all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        drain();
        return inner.reverseAll();
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        drain();
        return inner.prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries() + writes.size();
    }

    /** Writes the pending changes beneath; a delete only where the store beneath has the key. */
    private void drain() {
        for (Map.Entry<K, V> w : writes.entrySet()) {
            if (w.getValue() != null) {
                inner.put(w.getKey(), w.getValue());
            } else if (inner.get(w.getKey()) != null) {
                inner.delete(w.getKey());
            }
        }
        writes.clear();
    }
}
