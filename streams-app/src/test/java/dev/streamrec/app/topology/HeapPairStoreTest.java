package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

/**
 * The heap pair store answers like a sorted map of the same keys and values (Kafka Streams' in-memory store, which
 * it replaced): random puts, updates and deletes of pair keys, then every read the aggregator and the tools make.
 */
class HeapPairStoreTest {

    /** Item ids of several lengths, one a prefix of another, one not ASCII, so byte order is exercised. */
    private static final String[] ITEMS = {"a", "ab", "abc", "b", "item-1", "item-10", "item-2", "ü-item", "z",
        "0123456789012345678901234567890123456789"};

    @Test
    void answersLikeASortedMapOfTheSameKeys() {
        HeapPairStore store = new HeapPairStore("pairs");
        TreeMap<Bytes, byte[]> expected = new TreeMap<>();
        Random random = new Random(7);
        for (int op = 0; op < 20_000; op++) {
            Bytes key = CoVisitAggregator.pairKey(ITEMS[random.nextInt(ITEMS.length)], ITEMS[random.nextInt(ITEMS.length)]);
            if (random.nextInt(4) == 0) {
                byte[] gone = expected.remove(key);
                byte[] deleted = store.delete(key);
                assertThat(deleted == null ? null : decode(deleted)).isEqualTo(gone == null ? null : decode(gone));
            } else {
                byte[] value = CoVisitAggregator.pairValue(random.nextInt(1000) / 8.0, 1_700_000_000_000L + op);
                expected.put(key, value);
                store.put(key, value);
            }
            if (op % 1000 == 0) {
                assertSame(store, expected);
            }
        }
        assertSame(store, expected);
    }

    private static void assertSame(HeapPairStore store, TreeMap<Bytes, byte[]> expected) {
        assertThat(store.approximateNumEntries()).isEqualTo(expected.size());
        assertThat(read(store.all())).isEqualTo(decoded(expected));
        for (String item : ITEMS) {
            Bytes prefix = Bytes.wrap(CoVisitAggregator.prefix(item));
            try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan(prefix, new BytesSerializer())) {
                assertThat(read(it)).as("pairs of %s", item)
                        .isEqualTo(decoded(expected.subMap(prefix, true, Bytes.wrap(CoVisitAggregator.successor(prefix.get())), false)));
            }
            // the restore pass's cursor: the least key after all of an item's pairs, open-ended
            Bytes after = Bytes.wrap(CoVisitAggregator.successor(prefix.get()));
            assertThat(read(store.range(after, null))).isEqualTo(decoded(expected.tailMap(after, true)));
            for (String neighbour : ITEMS) {
                Bytes key = CoVisitAggregator.pairKey(item, neighbour);
                byte[] got = store.get(key);
                assertThat(got == null ? null : decode(got)).isEqualTo(expected.containsKey(key) ? decode(expected.get(key)) : null);
            }
        }
        Bytes from = CoVisitAggregator.pairKey("ab", "b");
        Bytes to = CoVisitAggregator.pairKey("item-2", "a");
        assertThat(read(store.range(from, to))).isEqualTo(decoded(expected.subMap(from, true, to, true)));
    }

    @Test
    void keepsTheCurrentLayoutOfAValueOfTheFirstOne() {
        HeapPairStore store = new HeapPairStore("pairs");
        Bytes key = CoVisitAggregator.pairKey("a", "b");
        byte[] legacy = ByteBuffer.allocate(16).putDouble(2.5).putLong(1_700_000_000_123L).array();
        store.put(key, legacy);
        byte[] got = store.get(key);
        assertThat(CoVisitAggregator.pairScore(got)).isEqualTo(2.5);
        assertThat(CoVisitAggregator.pairTime(got)).isEqualTo(1_700_000_000_123L);
    }

    @Test
    void sharesOneIdArrayBetweenRows() throws Exception {
        HeapPairStore store = new HeapPairStore("pairs");
        store.put(CoVisitAggregator.pairKey("a", "shared"), CoVisitAggregator.pairValue(1, 1));
        store.put(CoVisitAggregator.pairKey("b", "shared"), CoVisitAggregator.pairValue(1, 1));
        var rows = HeapPairStore.class.getDeclaredField("rows");
        rows.setAccessible(true);
        List<Object> held = new ArrayList<>(((Map<?, ?>) rows.get(store)).values());
        var ids = held.getFirst().getClass().getDeclaredField("ids");
        ids.setAccessible(true);
        assertThat(((byte[][]) ids.get(held.get(0)))[0]).isSameAs(((byte[][]) ids.get(held.get(1)))[0]);
    }

    @Test
    void refusesAKeyThatIsNotAPairKey() {
        HeapPairStore store = new HeapPairStore("pairs");
        assertThatThrownBy(() -> store.put(Bytes.wrap(new byte[] {9, 'a'}), CoVisitAggregator.pairValue(1, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a pair key");
    }

    private static List<String> read(KeyValueIterator<Bytes, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add(kv.key + "=" + decode(kv.value));
            }
        }
        return out;
    }

    private static List<String> decoded(Map<Bytes, byte[]> map) {
        List<String> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(k + "=" + decode(v)));
        return out;
    }

    private static String decode(byte[] value) {
        return CoVisitAggregator.pairScore(value) + "@" + CoVisitAggregator.pairTime(value);
    }
}
