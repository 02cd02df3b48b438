package dev.streamrec.ops.replay;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.RecordDecodingException;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The record filters of a {@link ReplaySpec}, combined with AND. Values are decoded as
 * {@link UserEvent} only when a filter needs it, at most once per record. A value that does not decode
 * (dead-letter bytes, another record type) never matches an event-type filter and matches a user filter
 * only by its key; with no such filter it is replayed as it is. Such values are counted
 * ({@link #undecodable()}): on a dead-letter topic they are the records that were undecodable in the
 * first place, and a length bomb or forged count among them is refused by the decoder's limits
 * ({@code AvroLimits}) like any other, never an error that stops the replay.
 */
public final class RecordFilter implements Predicate<ConsumerRecord<byte[], byte[]>> {

    private final Set<String> userIds;
    private final Set<EventType> eventTypes;
    private final List<HeaderMatch> headerMatches;
    private long undecodable;

    public RecordFilter(Set<String> userIds, Set<EventType> eventTypes, List<HeaderMatch> headerMatches) {
        this.userIds = Set.copyOf(userIds);
        this.eventTypes = Set.copyOf(eventTypes);
        this.headerMatches = List.copyOf(headerMatches);
    }

    /** Records a filter had to decode whose value is not a decodable {@code UserEvent}, so far. */
    public long undecodable() {
        return undecodable;
    }

    public static RecordFilter of(ReplaySpec spec) {
        return new RecordFilter(spec.userIds(), spec.eventTypes(), spec.headerMatches());
    }

    @Override
    public boolean test(ConsumerRecord<byte[], byte[]> record) {
        for (HeaderMatch m : headerMatches) { // cheapest first: no decoding
            if (!m.matches(record.headers())) {
                return false;
            }
        }
        Decoded value = new Decoded(record.value());
        if (!userIds.isEmpty()) {
            boolean byKey = record.key() != null && userIds.contains(new String(record.key(), StandardCharsets.UTF_8));
            if (!byKey && (value.event() == null || !userIds.contains(value.event().getUserId()))) {
                return false;
            }
        }
        if (!eventTypes.isEmpty()) {
            return value.event() != null && eventTypes.contains(value.event().getType());
        }
        return true;
    }

    /** A value decoded on first use. */
    private final class Decoded {
        private final byte[] bytes;
        private boolean tried;
        private UserEvent event;

        Decoded(byte[] bytes) {
            this.bytes = bytes;
        }

        UserEvent event() {
            if (!tried) {
                tried = true;
                if (bytes != null) {
                    try {
                        event = Serdes.USER_EVENT.fromBytes(bytes);
                    } catch (RecordDecodingException e) {
                        undecodable++;
                        event = null; // not a UserEvent: only filters that need one reject it
                    }
                }
            }
            return event;
        }
    }
}
