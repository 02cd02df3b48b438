package dev.streamrec.onnx;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.avro.EventType;

/**
 * A user's events, oldest first, read by index: what {@link HistoryEncoder} turns into tensors. The
 * streams app's decoded history store value implements it, so a history goes from the store to the
 * tensors without being copied into another shape; {@link #of} views a list of {@link HistoryEvent}s
 * (the trainer's and the tests' form) the same way.
 */
public interface EventHistory {

    int size();

    String itemId(int i);

    EventType type(int i);

    /** Event time, epoch ms. */
    long timestamp(int i);

    /** The events as records, oldest first: a copy for tests and display (encoding reads by index). */
    default List<HistoryEvent> events() {
        List<HistoryEvent> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(new HistoryEvent(itemId(i), type(i), timestamp(i)));
        }
        return out;
    }

    /** A view of {@code events} (oldest first), not a copy. */
    static EventHistory of(List<HistoryEvent> events) {
        return new EventHistory() {
            @Override
            public int size() {
                return events.size();
            }

            @Override
            public String itemId(int i) {
                return events.get(i).itemId();
            }

            @Override
            public EventType type(int i) {
                return events.get(i).type();
            }

            @Override
            public long timestamp(int i) {
                return events.get(i).timestamp();
            }
        };
    }
}
