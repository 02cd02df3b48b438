package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.CoVisit;
import dev.streamrec.avro.internal.ItemSignal;
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

    ItemSignals(TopologySettings settings) {
        this.settings = settings;
    }

    List<KeyValue<String, ItemSignal>> of(ValidEvent valid) {
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
        out.add(KeyValue.pair(e.getItemId(), new ItemSignal(e.getTimestamp(), true, all)));
        sources.forEach((item, w) -> out.add(KeyValue.pair(item,
                new ItemSignal(e.getTimestamp(), false, List.of(new CoVisit(e.getItemId(), w))))));
        return out;
    }
}
