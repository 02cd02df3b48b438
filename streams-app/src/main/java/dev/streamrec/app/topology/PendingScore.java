package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A valid event waiting in the scoring buffer, as a reference: the event without its free-form
 * context (ids, item, type, event time: bounded by the validator's id limits) and the input record's
 * timestamp (the output record gets it, as without batching). The history is not stored: the buffer
 * keeps the history the event arrived with in memory, and an entry restored after a restart is ranked
 * with the user's stored history cut back to it ({@code History.asOf}), so a record stays around a
 * hundred bytes however long the history.
 *
 * <p>Stored as {@code [0x01][timestamp: 8][event]} (event in the project's Avro single-object
 * encoding). Entries of the first layout, {@code [timestamp: 8][event length: 4][event][history]}
 * (its first byte is 0 for any timestamp before the year 4000), are still read, with the history they
 * carry in {@link #history}, so a buffer written before an upgrade drains after it.
 *
 * @param history the history to rank with when known: in memory, the history the event arrived with (the
 *                user's history right after it); read back, only entries of the first layout carry one.
 *                {@code null} for a reference read back (the flush cuts the stored history back to it).
 *                Never written: the stored record is the reference alone
 */
record PendingScore(UserEvent event, long timestamp, History history) {

    private static final byte REFERENCE_LAYOUT = 0x01;

    /** The event as the buffer keeps it: without its context map. */
    static UserEvent reference(UserEvent e) {
        return e.getContext().isEmpty() ? e : UserEvent.newBuilder(e).setContext(Map.of()).build();
    }

    static final Serde<PendingScore> SERDE = new Serde<>() {
        @Override
        public Serializer<PendingScore> serializer() {
            return (topic, p) -> {
                if (p == null) {
                    return null;
                }
                byte[] e = Serdes.USER_EVENT.toBytes(reference(p.event()));
                return ByteBuffer.allocate(9 + e.length).put(REFERENCE_LAYOUT).putLong(p.timestamp()).put(e).array();
            };
        }

        @Override
        public Deserializer<PendingScore> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer b = ByteBuffer.wrap(bytes);
                if (bytes[0] == REFERENCE_LAYOUT) {
                    b.get();
                    long ts = b.getLong();
                    return new PendingScore(Serdes.USER_EVENT.fromBytes(Arrays.copyOfRange(bytes, 9, bytes.length)), ts, null);
                }
                long ts = b.getLong();
                int n = b.getInt();
                byte[] e = Arrays.copyOfRange(bytes, 12, 12 + n);
                byte[] h = Arrays.copyOfRange(bytes, 12 + n, bytes.length);
                return new PendingScore(Serdes.USER_EVENT.fromBytes(e), ts, History.of(Serdes.USER_HISTORY.fromBytes(h)));
            };
        }
    };
}
