package dev.streamrec.trainer.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.onnx.HistoryEvent;

/**
 * Every user's time-ordered sequence of interactions, plus where they came from. Sorting is stable,
 * so events with equal timestamps keep their arrival order (MovieLens rates many films in the same
 * second; the file order is the only order there is).
 *
 * @param users  user id to interactions, oldest first; iteration order is first appearance
 * @param source a topic name or a file, recorded in the artifact's training window
 */
public record EventLog(Map<String, List<HistoryEvent>> users, String source) {

    /** Groups events by user; events of type UNKNOWN (a newer writer's symbol) are skipped. */
    public static EventLog of(Iterable<UserEvent> events, String source) {
        Map<String, List<HistoryEvent>> users = new LinkedHashMap<>();
        for (UserEvent e : events) {
            if (e.getType() == EventType.UNKNOWN) {
                continue;
            }
            users.computeIfAbsent(e.getUserId(), u -> new ArrayList<>())
                    .add(new HistoryEvent(e.getItemId(), e.getType(), e.getTimestamp()));
        }
        users.values().forEach(list -> list.sort(Comparator.comparingLong(HistoryEvent::timestamp)));
        users.replaceAll((u, list) -> Collections.unmodifiableList(list));
        return new EventLog(Collections.unmodifiableMap(users), source);
    }

    public long eventCount() {
        return users.values().stream().mapToLong(List::size).sum();
    }

    public long minTimestamp() {
        return users.values().stream().filter(l -> !l.isEmpty()).mapToLong(l -> l.getFirst().timestamp()).min().orElse(0);
    }

    public long maxTimestamp() {
        return users.values().stream().filter(l -> !l.isEmpty()).mapToLong(l -> l.getLast().timestamp()).max().orElse(0);
    }
}
