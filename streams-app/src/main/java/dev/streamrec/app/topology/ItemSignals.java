package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.CoVisit;
import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.avro.internal.PackedSignal;
import org.apache.kafka.streams.KeyValue;

/**
 * Turns one valid event into the records the item-partitioned sub-topology needs, keyed by item:
 * one primary signal for the event's item (counted for trending, carrying every co-visited item)
 * and one signal per co-visited item carrying the event's item, so that the pair is recorded on
 * both sides. Co-visited items are the user's distinct other items whose events lie within
 * {@code streamrec.covisit.window} of this event (most recent first, at most
 * {@code streamrec.covisit.max-sources-per-event}); a pair's weight is the mean of the two events'
 * type weights (the strongest event of the earlier item counts).
 */
final class ItemSignals {

    private final TopologySettings settings;
    private final SignalPartitioner partitioner;

    ItemSignals(TopologySettings settings, SignalPartitioner partitioner) {
        this.settings = settings;
        this.partitioner = partitioner;
    }

    /**
     * The event's signals, packed: one record per item-signals partition, keyed by one of its item keys,
     * the others in {@link ItemSignal#getPacked()}: at most one record per partition, however many items the
     * event relates (the bench measured 3.8 records per event instead of 11 with 10 co-visited items and 4
     * partitions). Until the partition count is known (the first send of this app instance) one record per
     * item, as records of schema version 2 were.
     */
    List<KeyValue<String, ItemSignal>> of(ValidEvent valid) {
        return pack(signals(valid), partitioner.partitions());
    }

    /** Groups signals of one event by the default partition of their keys ({@code partitions} 0: as they are). */
    static List<KeyValue<String, ItemSignal>> pack(List<KeyValue<String, ItemSignal>> signals, int partitions) {
        if (partitions <= 0 || signals.size() <= 1) {
            return signals;
        }
        Map<Integer, KeyValue<String, ItemSignal>> byPartition = new LinkedHashMap<>();
        for (KeyValue<String, ItemSignal> kv : signals) {
            KeyValue<String, ItemSignal> head = byPartition.putIfAbsent(
                    SignalPartitioner.partitionOf(kv.key, partitions), kv);
            if (head != null) {
                head.value.getPacked().add(new PackedSignal(kv.key, kv.value.getPrimary(), kv.value.getNeighbours()));
            }
        }
        return new ArrayList<>(byPartition.values());
    }

    /** Receives each (key, signal) of a record, packed ones included. */
    interface Visitor {
        void signal(String key, boolean primary, List<CoVisit> neighbours);
    }

    /** Unpacks a record of any version: its own signal, then the packed ones (none before version 3). */
    static void forEach(String key, ItemSignal record, Visitor visitor) {
        visitor.signal(key, record.getPrimary(), record.getNeighbours());
        for (PackedSignal s : record.getPacked()) {
            visitor.signal(s.getKey(), s.getPrimary(), s.getNeighbours());
        }
    }

    /** One signal per item, unpacked. */
    List<KeyValue<String, ItemSignal>> signals(ValidEvent valid) {
        UserEvent e = valid.event();
        double own = settings.weight(e.getType());
        long window = settings.covisitWindow().toMillis();
        Map<String, Double> sources = new LinkedHashMap<>();
        History h = valid.history();
        // The last entry is this event itself.
        for (int i = h.size() - 2; i >= 0; i--) {
            String item = h.itemId(i);
            if (item.equals(e.getItemId()) || Math.abs(e.getTimestamp() - h.timestamp(i)) > window) {
                continue;
            }
            double w = (own + settings.weight(h.type(i))) / 2;
            Double known = sources.get(item);
            if (known == null && sources.size() >= settings.covisitMaxSources()) {
                continue;
            }
            sources.put(item, known == null ? w : Math.max(known, w));
        }
        List<KeyValue<String, ItemSignal>> out = new ArrayList<>(sources.size() + 1);
        List<CoVisit> all = new ArrayList<>(sources.size());
        sources.forEach((item, w) -> all.add(new CoVisit(item, w)));
        out.add(KeyValue.pair(e.getItemId(), new ItemSignal(e.getTimestamp(), true, all, new ArrayList<>())));
        sources.forEach((item, w) -> out.add(KeyValue.pair(item, new ItemSignal(e.getTimestamp(), false,
                List.of(new CoVisit(e.getItemId(), w)), new ArrayList<>()))));
        return out;
    }
}
