package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.streamrec.avro.internal.CoVisit;
import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.serde.AvroSerde;
import dev.streamrec.serde.Serdes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** One event's item signals packed into one record per partition, placed as the default partitioner places each key. */
class ItemSignalPackingTest {

    @Test
    void shouldPackOneRecordPerPartitionWithEveryKeyOnItsDefaultPartition() {
        // given one event's signals: its item (primary, with 20 co-visits) and 20 co-visited items
        List<KeyValue<String, ItemSignal>> signals = new ArrayList<>();
        List<CoVisit> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            all.add(new CoVisit("item-" + i, 1.0));
        }
        signals.add(KeyValue.pair("item-x", new ItemSignal(7L, true, all, new ArrayList<>())));
        for (int i = 0; i < 20; i++) {
            signals.add(KeyValue.pair("item-" + i, new ItemSignal(7L, false, List.of(new CoVisit("item-x", 1.0)),
                    new ArrayList<>())));
        }
        int partitions = 4;
        SignalPartitioner partitioner = new SignalPartitioner();

        // when packed for 4 partitions
        List<KeyValue<String, ItemSignal>> packed = ItemSignals.pack(copy(signals), partitions);

        // then there is one record per partition used, and every key in it has that record's default partition
        Map<String, Boolean> seen = new TreeMap<>();
        List<Integer> used = new ArrayList<>();
        for (KeyValue<String, ItemSignal> r : packed) {
            int p = partitioner.partitions("t", r.key, r.value, partitions).orElseThrow().iterator().next();
            assertThat(p).isEqualTo(defaultPartition(r.key, partitions));
            used.add(p);
            ItemSignals.forEach(r.key, r.value, (key, primary, neighbours) -> {
                assertThat(defaultPartition(key, partitions)).as(key).isEqualTo(p);
                assertThat(seen.put(key, primary)).as("each key once").isNull();
            });
        }
        assertThat(used).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(partitions);
        assertThat(packed.size()).isLessThan(signals.size());
        // and nothing was lost: the same keys, the same primary flag
        Map<String, Boolean> expected = new TreeMap<>();
        signals.forEach(kv -> expected.put(kv.key, kv.value.getPrimary()));
        assertThat(seen).isEqualTo(expected);
        assertThat(partitioner.partitions()).isEqualTo(partitions);
    }

    @Test
    void shouldRefuseARecordPackedForAnotherPartitionCount() {
        List<KeyValue<String, ItemSignal>> signals = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            signals.add(KeyValue.pair("item-" + i, new ItemSignal(7L, i == 0, List.of(), new ArrayList<>())));
        }
        KeyValue<String, ItemSignal> packedForOne = ItemSignals.pack(signals, 1).getFirst();
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new SignalPartitioner().partitions("t", packedForOne.key, packedForOne.value, 4))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReadARecordOfTheUnpackedVersionTwoAsOneSignal() throws Exception {
        // given a record written by the previous version (no 'packed' field), e.g. left on the topic by an upgrade
        Schema v2 = AvroSerde.historySchema("avro-history/ItemSignal-v2.avsc");
        GenericRecord old = new GenericData.Record(v2);
        old.put("timestamp", 42L);
        old.put("primary", true);
        GenericRecord co = new GenericData.Record(v2.getField("neighbours").schema().getElementType());
        co.put("itemId", "item-2");
        co.put("weight", 1.5);
        old.put("neighbours", List.of(co));
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(old);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);

        // when the current reader decodes it
        ItemSignal decoded = Serdes.ITEM_SIGNAL.fromBytes(bytes);

        // then it is one signal for its key
        List<String> visited = new ArrayList<>();
        ItemSignals.forEach("item-1", decoded, (key, primary, neighbours) ->
                visited.add(key + "/" + primary + "/" + neighbours.getFirst().getItemId()));
        assertThat(visited).containsExactly("item-1/true/item-2");
        assertThat(decoded.getPacked()).isEmpty();
    }

    private static int defaultPartition(String key, int partitions) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions);
    }

    private static List<KeyValue<String, ItemSignal>> copy(List<KeyValue<String, ItemSignal>> in) {
        List<KeyValue<String, ItemSignal>> out = new ArrayList<>();
        for (KeyValue<String, ItemSignal> kv : in) {
            out.add(KeyValue.pair(kv.key, ItemSignal.newBuilder(kv.value).setPacked(new ArrayList<>()).build()));
        }
        return out;
    }

}
