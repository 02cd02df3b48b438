package dev.streamrec.trainer.model;

import java.util.List;

import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;

/**
 * One user's recent events in model form, most recent first: vocabulary rows, type codes and age
 * buckets. Reused across examples by a training thread, hence mutable.
 */
public final class History {

    public final int[] items;
    public final int[] types;
    public final int[] ageBuckets;
    public int length;

    public History(int capacity) {
        items = new int[capacity];
        types = new int[capacity];
        ageBuckets = new int[capacity];
    }

    public void clear() {
        length = 0;
    }

    /** Appends an older event; ignored once full. */
    public void add(int item, int type, int ageBucket) {
        if (length < items.length) {
            items[length] = item;
            types[length] = type;
            ageBuckets[length] = ageBucket;
            length++;
        }
    }

    /**
     * Fills this from events (oldest first) seen at {@code scoringTime}: the same selection, order and
     * ages as {@link HistoryEncoder#encode}, so the Java model sees what the ONNX graph sees.
     */
    public History fill(List<HistoryEvent> events, long scoringTime, Vocabulary vocabulary, float[] ageBoundaries) {
        clear();
        for (int j = events.size() - 1; j >= 0 && length < items.length; j--) {
            HistoryEvent e = events.get(j);
            add(vocabulary.index(e.itemId()), (int) ModelContract.typeCode(e.type()),
                    AgeBuckets.bucket(HistoryEncoder.ageSeconds(scoringTime, e.timestamp()), ageBoundaries));
        }
        return this;
    }
}
