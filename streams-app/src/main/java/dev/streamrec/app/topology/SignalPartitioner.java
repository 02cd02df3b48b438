package dev.streamrec.app.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.avro.internal.PackedSignal;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions the item-signals repartition topic exactly as the default partitioner would (murmur2 of
 * the UTF-8 key, what {@code KafkaStreams.queryMetadataForKey} assumes), and learns the topic's
 * partition count, so that {@link ItemSignals} can pack one event's signals into one record per
 * partition: every key packed in a record has the record key's partition, so item state stays where
 * it was and interactive queries still find it. One instance per topology, shared by its stream
 * threads.
 */
final class SignalPartitioner implements StreamPartitioner<String, ItemSignal> {

    /** The topic's partition count as last seen; 0 until the first record is sent. */
    private volatile int partitions;

    /** The partition count seen by the last send, 0 before any: packing waits for it. */
    int partitions() {
        return partitions;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, ItemSignal value, int numPartitions) {
        partitions = numPartitions;
        int p = partitionOf(key, numPartitions);
        for (PackedSignal s : value.getPacked()) {
            if (partitionOf(s.getKey(), numPartitions) != p) {
                // Packed for another count: Kafka Streams does not change an internal topic's count under a
                // running app, so this is a bug; refuse rather than put item state on the wrong partition.
                throw new IllegalStateException("item-signals record packed for another partition count than "
                        + numPartitions + " (topic " + topic + ")");
            }
        }
        return Optional.of(Set.of(p));
    }

    /** The default partitioner's choice for a String key: murmur2 of its UTF-8 bytes. */
    static int partitionOf(String key, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions;
    }
}
