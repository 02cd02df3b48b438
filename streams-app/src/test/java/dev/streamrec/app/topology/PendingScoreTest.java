package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.HistoryEntry;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.serde.Serdes;
import org.junit.jupiter.api.Test;

/** Scoring-buffer entries: a reference to the event; entries written before (event + whole history) still read. */
class PendingScoreTest {

    private static final UserEvent EVENT = UserEvent.newBuilder().setEventId("e-1").setUserId("user-1")
            .setItemId("item-1").setType(EventType.CLICK).setTimestamp(1_000L).setContext(Map.of("page", "home")).build();

    @Test
    void shouldStoreTheEventWithoutItsContextAndNoHistory() {
        byte[] bytes = PendingScore.SERDE.serializer().serialize("t", new PendingScore(EVENT, 42L, null));
        PendingScore back = PendingScore.SERDE.deserializer().deserialize("t", bytes);

        assertThat(back.timestamp()).isEqualTo(42L);
        assertThat(back.history()).as("a reference: the history is read at flush").isNull();
        assertThat(back.event().getEventId()).isEqualTo("e-1");
        assertThat(back.event().getContext()).as("context is not needed to rank").isEmpty();
    }

    @Test
    void shouldReadAnEntryOfTheFirstLayoutWithItsHistory() {
        // [timestamp: 8][event length: 4][event][history], as written before references
        UserHistory h = new UserHistory(List.of(new HistoryEntry("e-0", "item-0", "VIEW", 500L),
                new HistoryEntry("e-1", "item-1", "CLICK", 1_000L)), List.of(), List.of(), ByteBuffer.allocate(0));
        byte[] e = Serdes.USER_EVENT.toBytes(EVENT);
        byte[] hb = Serdes.USER_HISTORY.toBytes(h);
        byte[] old = ByteBuffer.allocate(12 + e.length + hb.length).putLong(7L).putInt(e.length).put(e).put(hb).array();

        PendingScore back = PendingScore.SERDE.deserializer().deserialize("t", old);

        assertThat(back.timestamp()).isEqualTo(7L);
        assertThat(back.event().getEventId()).isEqualTo("e-1");
        assertThat(back.history().events()).extracting(HistoryEvent::itemId).containsExactly("item-0", "item-1");
    }
}
