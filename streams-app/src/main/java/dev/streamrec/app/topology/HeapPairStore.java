package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The co-visit pair store on the heap ({@code streamrec.covisit.store=in-memory}), laid out for pairs rather than
 * for any key: per item one {@link Row} of parallel arrays (neighbour ids sorted by their bytes, scores as floats,
 * times as longs), so a pair costs about 16 bytes plus its neighbour's id, shared by every row that holds it
 * (Kafka Streams' own in-memory store, a sorted map of byte arrays, took 136-192 bytes a pair). An update
 * writes a float and a long in place: no object per update, nothing that a young collection must copy or
 * trace from the old generation, and no RocksDB call on the item side's hot path (the pair updates were a fifth of
 * the stream threads' CPU at steady state with RocksDB, three quarters of that RocksDB reads and record-cache
 * evictions; with this store 9%: BENCHMARKS.md, issue 11, "The pair store as arrays on the heap").
 *
 * <p>Keys and values are those of {@link CoVisitAggregator#pairKey} and {@link CoVisitAggregator#pairValue}: a
 * key is the item's prefix (its length as a varint, then its bytes) followed by the neighbour's bytes. No item's
 * prefix starts another's (the varint leads), so each item's keys form one contiguous run in byte order and the
 * rows, ordered by prefix, iterate in key order. A value is kept as its score and time and handed back in the
 * current layout (a value of the first, 16-byte layout comes back as the current one; the aggregator reads
 * both). The store is changelogged by Kafka Streams like any other and restored from the changelog at every
 * start: it is not persistent.
 *
 * <p>Thread-safe for interactive queries (every method holds the store's lock; an iterator copies one row at a
 * time under it).
 */
final class HeapPairStore implements KeyValueStore<Bytes, byte[]> {

    /** Neighbour ids shared by the rows, at most this many before the interner starts over ({@link Interner}). */
    private static final int MAX_SHARED_IDS = 200_000;

    private final String name;
    /** Rows by item prefix, for updates. */
    private final Map<Bytes, Row> rows = new HashMap<>();
    /** The same rows in key order, for scans. */
    private final TreeMap<Bytes, Row> ordered = new TreeMap<>();
    /** One byte array per neighbour id for all rows (a pair holds a reference, not a copy). */
    private Interner<Bytes> shared = new Interner<>(MAX_SHARED_IDS);
    private long size;
    private volatile boolean open;
    private StateStoreContext context;
    /** Offsets of the input records whose changes the store holds, as every store keeps them (the changelog carries it). */
    private final Position position = Position.emptyPosition();

    /** One item's pairs, sorted by neighbour bytes (unsigned), in parallel arrays. */
    private static final class Row {
        final byte[] prefix;
        byte[][] ids = new byte[4][];
        float[] scores = new float[4];
        long[] times = new long[4];
        int n;

        Row(byte[] prefix) {
            this.prefix = prefix;
        }

        /** Index of the neighbour {@code key[from..]}, or {@code -(insertion point) - 1}. */
        int find(byte[] key, int from) {
            int lo = 0;
            int hi = n - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                byte[] id = ids[mid];
                int c = Arrays.compareUnsigned(id, 0, id.length, key, from, key.length);
                if (c < 0) {
                    lo = mid + 1;
                } else if (c > 0) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }

        void insert(int at, byte[] id, float score, long time) {
            if (n == ids.length) {
                int grown = n * 2;
                ids = Arrays.copyOf(ids, grown);
                scores = Arrays.copyOf(scores, grown);
                times = Arrays.copyOf(times, grown);
            }
            System.arraycopy(ids, at, ids, at + 1, n - at);
            System.arraycopy(scores, at, scores, at + 1, n - at);
            System.arraycopy(times, at, times, at + 1, n - at);
            ids[at] = id;
            scores[at] = score;
            times[at] = time;
            n++;
        }

        void remove(int at) {
            System.arraycopy(ids, at + 1, ids, at, n - at - 1);
            System.arraycopy(scores, at + 1, scores, at, n - at - 1);
            System.arraycopy(times, at + 1, times, at, n - at - 1);
            ids[--n] = null;
            if (n > 16 && n * 4 <= ids.length) { // a pruned row gives its space back
                ids = Arrays.copyOf(ids, n * 2);
                scores = Arrays.copyOf(scores, n * 2);
                times = Arrays.copyOf(times, n * 2);
            }
        }

        Bytes key(int i) {
            byte[] k = Arrays.copyOf(prefix, prefix.length + ids[i].length);
            System.arraycopy(ids[i], 0, k, prefix.length, ids[i].length);
            return Bytes.wrap(k);
        }
    }

    HeapPairStore(String name) {
        this.name = name;
    }

    /** Supplies the store to {@code Stores.keyValueStoreBuilder}; logging and metering are Kafka Streams' own. */
    static KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new HeapPairStore(name);
            }

            @Override
            public String metricsScope() {
                return "in-memory";
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        rows.clear();
        ordered.clear();
        shared = new Interner<>(MAX_SHARED_IDS);
        size = 0;
        this.context = context;
        context.register(root, new BatchingStateRestoreCallback() {
            @Override
            public void restoreAll(Collection<KeyValue<byte[], byte[]>> records) {
                synchronized (HeapPairStore.this) {
                    records.forEach(r -> put(Bytes.wrap(r.key), r.value));
                }
            }

            @Override
            public void restore(byte[] key, byte[] value) {
                put(Bytes.wrap(key), value);
            }
        });
        open = true;
    }

    @Override
    public void flush() {
        // nothing to write: the changelog holds every change
    }

    @Override
    public synchronized void close() {
        open = false;
        rows.clear();
        ordered.clear();
        shared = new Interner<>(MAX_SHARED_IDS);
        size = 0;
    }

    @Override
    public Position getPosition() {
        return position;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Length of the item prefix that {@code key} starts with (see {@link CoVisitAggregator#prefix}). */
    private static int prefixLength(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        long len = Varints.read(b);
        long end = b.position() + len;
        if (len < 0 || end > key.length) {
            throw new IllegalArgumentException("not a pair key: item length " + len + " in a key of " + key.length
                    + " bytes");
        }
        return (int) end;
    }

    @Override
    public synchronized byte[] get(Bytes key) {
        byte[] k = key.get();
        int p = prefixLength(k);
        Row row = rows.get(Bytes.wrap(Arrays.copyOf(k, p)));
        if (row == null) {
            return null;
        }
        int i = row.find(k, p);
        return i < 0 ? null : CoVisitAggregator.pairValue(row.scores[i], row.times[i]);
    }

    @Override
    public synchronized void put(Bytes key, byte[] value) {
        if (value == null) {
            delete(key);
            return;
        }
        track();
        float score = (float) CoVisitAggregator.pairScore(value);
        long time = CoVisitAggregator.pairTime(value);
        byte[] k = key.get();
        int p = prefixLength(k);
        Bytes prefix = Bytes.wrap(Arrays.copyOf(k, p));
        Row row = rows.get(prefix);
        if (row == null) {
            row = new Row(prefix.get());
            rows.put(prefix, row);
            ordered.put(prefix, row);
        }
        int i = row.find(k, p);
        if (i >= 0) {
            row.scores[i] = score;
            row.times[i] = time;
        } else {
            row.insert(-i - 1, intern(k, p), score, time);
            size++;
        }
    }

    /** Notes the offset of the input record being processed (none during a restore). */
    private void track() {
        if (context != null) {
            context.recordMetadata().ifPresent((RecordMetadata m) -> {
                if (m.topic() != null) {
                    position.withComponent(m.topic(), m.partition(), m.offset());
                }
            });
        }
    }

    /** The shared byte array of the neighbour id {@code key[from..]} ({@link #shared}). */
    private byte[] intern(byte[] key, int from) {
        return shared.canonical(Bytes.wrap(Arrays.copyOfRange(key, from, key.length))).get();
    }

    @Override
    public synchronized byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] old = get(key);
        if (old == null) {
            put(key, value);
        }
        return old;
    }

    @Override
    public synchronized void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public synchronized byte[] delete(Bytes key) {
        byte[] k = key.get();
        int p = prefixLength(k);
        Bytes prefix = Bytes.wrap(Arrays.copyOf(k, p));
        Row row = rows.get(prefix);
        if (row == null) {
            return null;
        }
        int i = row.find(k, p);
        if (i < 0) {
            return null;
        }
        track();
        byte[] old = CoVisitAggregator.pairValue(row.scores[i], row.times[i]);
        row.remove(i);
        size--;
        if (row.n == 0) {
            rows.remove(prefix);
            ordered.remove(prefix);
        }
        return old;
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return new Scan(from, to, true);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return new Scan(null, null, true);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS serializer) {
        byte[] p = serializer.serialize(null, prefix);
        if (p.length == 0) {
            return all();
        }
        byte[] end = CoVisitAggregator.successorOrNull(p);
        return new Scan(Bytes.wrap(p), end == null ? null : Bytes.wrap(end), false);
    }

    @Override
    public long approximateNumEntries() {
        return size;
    }

    /**
     * The keys from {@code from} (inclusive; null: the first) to {@code to} (null: the last; inclusive or not), in
     * order. Copies one row at a time under the store's lock, so the store may change between rows (as a scan
     * of Kafka Streams' own in-memory store sees a snapshot, this sees each row as of when it reaches it).
     */
    private final class Scan implements KeyValueIterator<Bytes, byte[]> {
        private final Bytes from;
        private final Bytes to;
        private final boolean toInclusive;
        /** The last row prefix copied (null: none yet). */
        private Bytes rowAt;
        private boolean rowsDone;
        private Iterator<KeyValue<Bytes, byte[]>> buffered = Collections.emptyIterator();
        private KeyValue<Bytes, byte[]> next;

        Scan(Bytes from, Bytes to, boolean toInclusive) {
            this.from = from;
            this.to = to;
            this.toInclusive = toInclusive;
            advance();
        }

        private boolean afterEnd(Bytes key) {
            if (to == null) {
                return false;
            }
            int c = key.compareTo(to);
            return toInclusive ? c > 0 : c >= 0;
        }

        private void advance() {
            next = null;
            while (next == null) {
                if (buffered.hasNext()) {
                    KeyValue<Bytes, byte[]> kv = buffered.next();
                    if (afterEnd(kv.key)) {
                        rowsDone = true;
                        buffered = Collections.emptyIterator();
                        return;
                    }
                    next = kv;
                } else if (rowsDone || !loadRow()) {
                    rowsDone = true;
                    return;
                }
            }
        }

        /** Copies the next row's pairs in range into {@link #buffered}; false when no row is left. */
        private boolean loadRow() {
            synchronized (HeapPairStore.this) {
                Map.Entry<Bytes, Row> e;
                if (rowAt == null) {
                    e = from == null ? ordered.firstEntry() : ordered.floorEntry(from);
                    if (e == null) {
                        e = ordered.firstEntry();
                    }
                } else {
                    e = ordered.higherEntry(rowAt);
                }
                if (e == null) {
                    return false;
                }
                rowAt = e.getKey();
                if (to != null && rowAt.compareTo(to) > 0) {
                    return false;
                }
                Row row = e.getValue();
                List<KeyValue<Bytes, byte[]>> out = new ArrayList<>(row.n);
                for (int i = 0; i < row.n; i++) {
                    Bytes key = row.key(i);
                    if (from == null || key.compareTo(from) >= 0) {
                        out.add(KeyValue.pair(key, CoVisitAggregator.pairValue(row.scores[i], row.times[i])));
                    }
                }
                buffered = out.iterator();
                return true;
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> kv = next;
            advance();
            return kv;
        }

        @Override
        public Bytes peekNextKey() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
            next = null;
            rowsDone = true;
        }
    }
}
