package dev.streamrec.app.topology;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The micro-batching buffer of one task: events waiting to be ranked, in arrival order, in the
 * changelogged {@value StreamrecTopology#SCORING_BUFFER_STORE} store under a per-task sequence number,
 * and indexed in memory so that taking a batch never scans the store (the only scan is at start, over
 * what was restored). The in-memory entry also keeps the history the event arrived with (the user's
 * history right after it), so a batch normally ranks without reading or decoding the history store;
 * only entries restored after a restart go back to the store ({@code History.asOf}).
 *
 * <p>Every put and delete happens in the task, inside its exactly-once transaction: see TOPOLOGY.md,
 * "Micro-batched scoring". The store's writes wait for the commit ({@link #storeBuilder},
 * {@link CommitTimeStore}), so an entry put and ranked between two commits costs no changelog record.
 */
final class ScoringBuffer {

    /**
     * The persistent, changelogged store, with a {@link CommitTimeStore} in front: puts and deletes are
     * written beneath (and to the changelog) when the task commits, in {@code StreamTask.prepareCommit}
     * before the transaction commits: always inside the transaction that carries the input offsets,
     * which makes it as crash-safe as the store written at once (the write-behind store tried earlier
     * wrote in {@code StateStore.flush()}, which Kafka Streams calls after the commit, when it
     * checkpoints: its writes fell into the next transaction or were lost with a kill, 11-35 of 30,000
     * lists in KillRestartIntegrationTest). An entry put and ranked between two commits costs no
     * record and no serialization; an entry still waiting at a commit costs its put and, later, its
     * tombstone. Kafka's record cache, used before in front, evicted buffered entries to the store
     * whenever other stores had filled the thread's cache (see {@link CommitTimeStore}). Caching
     * settings given to this builder are ignored: the front is the cache.
     */
    static StoreBuilder<KeyValueStore<Long, PendingScore>> storeBuilder() {
        StoreBuilder<KeyValueStore<Long, PendingScore>> inner = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StreamrecTopology.SCORING_BUFFER_STORE), Serdes.Long(), PendingScore.SERDE)
                .withCachingDisabled();
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<KeyValueStore<Long, PendingScore>> withCachingEnabled() {
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<Long, PendingScore>> withCachingDisabled() {
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<Long, PendingScore>> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<Long, PendingScore>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public KeyValueStore<Long, PendingScore> build() {
                return new CommitTimeStore<>(inner.build());
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

    private final KeyValueStore<Long, PendingScore> store;
    private final ArrayDeque<Map.Entry<Long, PendingScore>> pending = new ArrayDeque<>();
    private long nextSequence;
    /** Wall-clock time the oldest waiting event arrived; {@link Long#MIN_VALUE}: due at once (restored). */
    private long oldestAt;

    /** Indexes what the store holds (restored from the changelog before the processor's init). */
    ScoringBuffer(KeyValueStore<Long, PendingScore> store) {
        this.store = store;
        try (KeyValueIterator<Long, PendingScore> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, PendingScore> kv = it.next();
                pending.add(Map.entry(kv.key, kv.value));
                nextSequence = Math.max(nextSequence, kv.key + 1);
            }
        }
        oldestAt = pending.isEmpty() ? 0 : Long.MIN_VALUE; // restored events are ranked at the first punctuation
    }

    /** Buffers {@code entry} (its store record is the reference only; the history stays in memory). */
    void add(PendingScore entry, long now) {
        long sequence = nextSequence++;
        store.put(sequence, entry);
        pending.add(Map.entry(sequence, entry));
        if (pending.size() == 1) {
            oldestAt = now;
        }
    }

    int size() {
        return pending.size();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Whether the oldest waiting event has waited {@code maxWait} (or was restored). */
    boolean due(long now, Duration maxWait) {
        return !pending.isEmpty() && (oldestAt == Long.MIN_VALUE || now - oldestAt >= maxWait.toMillis());
    }

    /** Everything waiting, oldest first, and an empty index; each entry's record stays until {@link #done}. */
    List<Map.Entry<Long, PendingScore>> takeAll() {
        List<Map.Entry<Long, PendingScore>> batch = new ArrayList<>(pending);
        pending.clear();
        oldestAt = 0;
        return batch;
    }

    /** The entry's output is written: its record goes. */
    void done(long sequence) {
        store.delete(sequence);
    }

    /** Drops a user's waiting events (user erasure): they are never ranked. */
    void removeUser(String userId) {
        pending.removeIf(e -> {
            boolean users = userId.equals(e.getValue().event().getUserId());
            if (users) {
                store.delete(e.getKey());
            }
            return users;
        });
    }

    /** Forgets the index (the task closes; a revived task indexes its restored store afresh). */
    void clear() {
        pending.clear();
    }
}
