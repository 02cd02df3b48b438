package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The scoring buffer's front: writes reach the store beneath only in flushCache (the pre-commit hook). */
class CommitTimeStoreTest {

    private KeyValueStore<Long, String> beneath;
    private CommitTimeStore<Long, String> store;

    @BeforeEach
    void open() {
        beneath = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("buffer"), Serdes.Long(), Serdes.String())
                .withLoggingDisabled().withCachingDisabled().build();
        store = new CommitTimeStore<>(beneath);
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @Test
    void shouldWriteNothingBeneathForAnEntryPutAndDeletedBetweenFlushes() {
        store.put(1L, "a");
        assertThat(store.get(1L)).as("reads see the pending put").isEqualTo("a");
        assertThat(beneath.get(1L)).as("not beneath before the flush").isNull();

        assertThat(store.delete(1L)).isEqualTo("a");
        store.flushCache();

        assertThat(beneath.approximateNumEntries()).isZero();
        assertThat(store.get(1L)).isNull();
    }

    @Test
    void shouldWriteAWaitingEntryAtTheFlushAndItsDeleteAtTheNextOne() {
        store.put(1L, "a");
        store.put(2L, "b");
        store.flushCache();
        assertThat(beneath.get(1L)).as("waiting at the flush: written").isEqualTo("a");

        assertThat(store.delete(1L)).isEqualTo("a");
        assertThat(beneath.get(1L)).as("the delete waits for the next flush too").isEqualTo("a");
        assertThat(store.get(1L)).as("but reads see it").isNull();
        store.flushCache();

        assertThat(beneath.get(1L)).isNull();
        assertThat(beneath.get(2L)).isEqualTo("b");
    }

    @Test
    void shouldDeleteAKeyPutAgainAfterItsFirstWriteReachedTheStore() {
        store.put(1L, "a");
        store.flushCache();
        store.put(1L, "a2");

        store.delete(1L);
        store.flushCache();

        assertThat(beneath.get(1L)).as("the earlier write is deleted as well").isNull();
    }

    @Test
    void shouldScanTheStoreBeneathOverlaidWithPendingWritesInKeyOrder() {
        store.put(3L, "c");
        store.put(1L, "a");
        store.flushCache();
        store.put(2L, "b");
        store.delete(3L);

        assertThat(entries(store.all())).containsExactly(KeyValue.pair(1L, "a"), KeyValue.pair(2L, "b"));
        assertThat(entries(store.range(2L, 3L))).containsExactly(KeyValue.pair(2L, "b"));
    }

    @Test
    void shouldDropPendingWritesWhenTheCacheIsClearedOrTheStoreReopened() {
        // given: a task closed dirty (its uncommitted state is thrown away)
        store.put(1L, "a");
        store.clearCache();
        store.flushCache();
        assertThat(beneath.get(1L)).isNull();

        // and a revived task starts from what is beneath
        store.put(2L, "b");
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        store.flushCache();
        assertThat(beneath.get(2L)).isNull();
    }

    private static List<KeyValue<Long, String>> entries(KeyValueIterator<Long, String> it) {
        List<KeyValue<Long, String>> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(out::add);
        }
        return out;
    }
}
