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

/** The packed history: round trip, size, version-1 values, the view as of an earlier event. */
class HistoryTest {

    private static UserEvent event(String item, EventType type, long t) {
        return UserEvent.newBuilder().setEventId("00000000-0000-0000-0000-" + t).setUserId("u").setItemId(item)
                .setType(type).setTimestamp(t).setContext(Map.of()).build();
    }

    @Test
    void shouldRoundTripThroughTheStoreValue() {
        History h = History.EMPTY;
        long t = 1_764_000_000_000L;
        EventType[] types = {EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE};
        for (int i = 0; i < 60; i++) {
            h = h.append(event("item-" + (i % 9), types[i % 4], t + i * 7_000L - (i % 5) * 100), 50, 200);
        }

        History back = History.of(Serdes.USER_HISTORY.fromBytes(Serdes.USER_HISTORY.toBytes(h.toAvro())));

        assertThat(back.events()).isEqualTo(h.events()).hasSize(50);
        assertThat(back.purchased()).isEqualTo(h.purchased()).containsExactlyInAnyOrder("item-3", "item-7", "item-2",
                "item-6", "item-1", "item-5", "item-0", "item-4", "item-8");
    }

    @Test
    void shouldStoreAHeldEventInAFewBytes() {
        History h = History.EMPTY;
        long t = 1_764_000_000_000L;
        for (int i = 0; i < 50; i++) {
            h = h.append(event("item-" + (1000 + i % 20), EventType.VIEW, t + i * 30_000L), 50, 200);
        }

        int bytes = Serdes.USER_HISTORY.toBytes(h.toAvro()).length;
        List<HistoryEntry> v1 = new java.util.ArrayList<>();
        for (HistoryEvent a : h.events()) {
            v1.add(new HistoryEntry(java.util.UUID.randomUUID().toString(), a.itemId(), a.type().name(), a.timestamp()));
        }
        int v1Bytes = Serdes.USER_HISTORY.toBytes(new UserHistory(v1, List.of(), List.of(), ByteBuffer.allocate(0))).length;

        assertThat((double) bytes / h.size()).as("bytes per held event (%d in all; issue 11's target: 12)", bytes)
                .isLessThanOrEqualTo(12.0);
        assertThat(v1Bytes).as("the version 1 layout of the same history").isGreaterThan(5 * bytes);
    }

    @Test
    void shouldStoreDistinctItemsInAFewBytesEachAndRoundTrip() {
        // given a full history where every event is on another item (the worst case for the dictionary)
        History h = History.EMPTY;
        long t = 1_764_000_000_000L;
        for (int i = 0; i < 50; i++) {
            h = h.append(event("item-" + (1000 + i * 37), i % 3 == 0 ? EventType.PURCHASE : EventType.VIEW,
                    t + i * 45_000L), 50, 200);
        }

        UserHistory stored = h.toAvro();
        int bytes = Serdes.USER_HISTORY.toBytes(stored).length;
        History back = History.of(Serdes.USER_HISTORY.fromBytes(Serdes.USER_HISTORY.toBytes(stored)));

        assertThat((double) bytes / h.size()).as("bytes per held event (%d in all; issue 11's target: 12)", bytes)
                .isLessThanOrEqualTo(12.0);
        assertThat(back.events()).isEqualTo(h.events());
        assertThat(back.purchased()).isEqualTo(h.purchased());
    }

    @Test
    void shouldReadPackedValuesWrittenWithTheDictionaryInTheItemsField() {
        // item 0 (VIEW) at t=10, item 1 (PURCHASE: code 3) at t=30: varints (0<<2|0, zigzag 10) (1<<2|3, zigzag 20)
        UserHistory earlier = new UserHistory(List.of(), List.of("item-2"), List.of("item-1", "item-2"),
                ByteBuffer.wrap(new byte[] {0, 20, 7, 40}));

        History h = History.of(earlier);

        assertThat(h.events()).containsExactly(new HistoryEvent("item-1", EventType.VIEW, 10L),
                new HistoryEvent("item-2", EventType.PURCHASE, 30L));
        assertThat(h.purchased()).containsExactly("item-2");
    }

    @Test
    void shouldReadVersionOneValues() {
        UserHistory v1 = new UserHistory(List.of(new HistoryEntry("e-1", "item-1", "VIEW", 10L),
                new HistoryEntry("e-2", "item-2", "PURCHASE", 20L)), List.of("item-2"), List.of(), ByteBuffer.allocate(0));

        History h = History.of(v1);

        assertThat(h.events()).containsExactly(new HistoryEvent("item-1", EventType.VIEW, 10L),
                new HistoryEvent("item-2", EventType.PURCHASE, 20L));
        assertThat(h.purchased()).containsExactly("item-2");
    }

    @Test
    void shouldCutBackToAnEarlierEventLeavingOutLaterPurchases() {
        UserEvent a = event("item-1", EventType.VIEW, 10L);
        UserEvent b = event("item-2", EventType.PURCHASE, 20L);
        History h = History.EMPTY.append(a, 50, 200).append(b, 50, 200);

        History asOfA = h.asOf(a);

        assertThat(asOfA.events()).containsExactly(new HistoryEvent("item-1", EventType.VIEW, 10L));
        assertThat(asOfA.purchased()).as("bought after a").isEmpty();
        assertThat(h.asOf(b)).isSameAs(h);
    }
}
