package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * The front of the {@value StreamrecTopology#SCORING_BUFFER_STORE} store: puts and deletes wait in a
 * map, as objects, and reach the store beneath (and its changelog) only when Kafka Streams flushes
 * caches, in {@code StreamTask.prepareCommit} ({@code ProcessorStateManager.flushCache}), before the
 * task's records are flushed and its transaction commits. So an entry put and deleted between two
 * commits costs nothing beneath (no serialization, no RocksDB call, no changelog record), and an entry
 * still waiting at a commit is written inside the transaction that carries its input offset, exactly
 * as the uncached store would have written it: the crash-safety argument of TOPOLOGY.md holds
 * unchanged.
 *
 * <p>Why not Kafka's record cache, used before: the cache is shared by every store of the stream thread
 * ({@code statestore.cache.max.bytes}) and, once the item-side stores fill it, every put into a store
 * evicts that store's oldest dirty entries, which writes them beneath: at steady state nearly every
 * buffered event cost its put and its tombstone (1.3-1.9 buffer changelog records per event in the
 * bench's model window) plus a read of the old value on delete. This front never evicts: it holds at
 * most the events waiting in one task's buffer (at most {@code streamrec.scoring.batch-size}, the
 * buffer is ranked when full). Never {@link #flush()}: Kafka Streams calls that at checkpoint, after
 * the commit, where a write would fall into the next transaction (the write-behind store tried first).
 *
 * <p>Reads see the pending writes. Keys are never re-put after a delete by the buffer (sequence
 * numbers), but a re-put is handled: the latest write wins.
 */
final class CommitTimeStore<K extends Comparable<K>, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {

    /** Writes not yet beneath, in order; a {@code null} value is a delete. */
    private final LinkedHashMap<K, V> pending = new LinkedHashMap<>();
    /**
     * Keys known to be in the store beneath: written there by {@link #flushCache} or read from it by a
     * scan (the buffer scans what was restored at init). A pending key outside it is dropped on delete
     * without a read, which is the point: the buffer puts each sequence number once, above every
     * restored one.
     */
    private final HashSet<K> beneath = new HashSet<>();

    CommitTimeStore(KeyValueStore<K, V> beneath) {
        super(beneath);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        pending.clear(); // a revived task starts from what was restored beneath
        beneath.clear();
        super.init(context, root);
    }

    @Override
    public void put(K key, V value) {
        pending.put(key, value);
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

    /**
     * An entry put since the last flush is forgotten without touching the store beneath; one already
     * written there gets a delete at the next flush (its tombstone).
     */
    @Override
    public V delete(K key) {
        if (pending.containsKey(key)) {
            V old = pending.remove(key);
            if (beneath.contains(key)) { // put again after an earlier write reached the store: delete that too
                pending.put(key, null);
            }
            return old;
        }
        V old = wrapped().get(key);
        if (old != null) {
            pending.put(key, null);
        }
        return old;
    }

    @Override
    public V get(K key) {
        return pending.containsKey(key) ? pending.get(key) : wrapped().get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return merged(wrapped().range(from, to), from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return merged(wrapped().all(), null, null);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries() + pending.size();
    }

    /** Writes what is pending beneath (the task is about to commit), then lets the stores beneath flush theirs. */
    @Override
    public void flushCache() {
        for (Map.Entry<K, V> e : pending.entrySet()) {
            if (e.getValue() == null) {
                wrapped().delete(e.getKey());
                beneath.remove(e.getKey());
            } else {
                wrapped().put(e.getKey(), e.getValue());
                beneath.add(e.getKey());
            }
        }
        pending.clear();
        super.flushCache();
    }

    /** The task closes dirty (its state is wiped and restored): what is pending was never committed. */
    @Override
    public void clearCache() {
        pending.clear();
        beneath.clear();
        super.clearCache();
    }

    @Override
    public void close() {
        pending.clear();
        beneath.clear();
        super.close();
    }

    /** The store beneath overlaid with the pending writes, in key order (small: used at init and in tests). */
    private KeyValueIterator<K, V> merged(KeyValueIterator<K, V> stored, K from, K to) {
        TreeMap<K, V> view = new TreeMap<>();
        try (stored) {
            while (stored.hasNext()) {
                KeyValue<K, V> kv = stored.next();
                view.put(kv.key, kv.value);
                beneath.add(kv.key);
            }
        }
        for (Map.Entry<K, V> e : pending.entrySet()) {
            boolean inRange = (from == null || e.getKey().compareTo(from) >= 0) && (to == null || e.getKey().compareTo(to) <= 0);
            if (!inRange) {
                continue;
            }
            if (e.getValue() == null) {
                view.remove(e.getKey());
            } else {
                view.put(e.getKey(), e.getValue());
            }
        }
        List<KeyValue<K, V>> entries = new ArrayList<>(view.size());
        view.forEach((k, v) -> entries.add(KeyValue.pair(k, v)));
        return new KeyValueIterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < entries.size();
            }

            @Override
            public KeyValue<K, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return entries.get(next++);
            }

            @Override
            public K peekNextKey() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return entries.get(next).key;
            }

            @Override
            public void close() {
            }
        };
    }
}
