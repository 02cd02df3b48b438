package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.util.Arrays;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A valid event waiting in the scoring buffer: the event, the user's history right after it (so a
 * batch ranks each event with the history it had, even when the same user has later events in the
 * batch), and the input record's timestamp (the output record gets it, as without batching).
 *
 * <p>Stored as {@code [timestamp: 8][event length: 4][event][history]}, event and history in the
 * project's Avro single-object encoding (schema fingerprints inside, so both can evolve as the
 * Avro schemas allow).
 */
record PendingScore(UserEvent event, UserHistory history, long timestamp) {

    ValidEvent valid() {
        return new ValidEvent(event, history);
    }

    static final Serde<PendingScore> SERDE = new Serde<>() {
        @Override
        public Serializer<PendingScore> serializer() {
            return (topic, p) -> {
                if (p == null) {
                    return null;
                }
                byte[] e = Serdes.USER_EVENT.toBytes(p.event());
                byte[] h = Serdes.USER_HISTORY.toBytes(p.history());
                return ByteBuffer.allocate(12 + e.length + h.length).putLong(p.timestamp()).putInt(e.length).put(e).put(h)
                        .array();
            };
        }

        @Override
        public Deserializer<PendingScore> deserializer() {
            return (topic, bytes) -> {
                if (bytes == null) {
                    return null;
                }
                ByteBuffer b = ByteBuffer.wrap(bytes);
                long ts = b.getLong();
                int n = b.getInt();
                byte[] e = Arrays.copyOfRange(bytes, 12, 12 + n);
                byte[] h = Arrays.copyOfRange(bytes, 12 + n, bytes.length);
                return new PendingScore(Serdes.USER_EVENT.fromBytes(e), Serdes.USER_HISTORY.fromBytes(h), ts);
            };
        }
    };
}
