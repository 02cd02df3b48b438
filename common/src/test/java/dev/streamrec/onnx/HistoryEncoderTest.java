package dev.streamrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.streamrec.avro.EventType;
import dev.streamrec.model.ModelContract;
import org.junit.jupiter.api.Test;

class HistoryEncoderTest {

    @Test
    void shouldPutTheLatestEventsFirstTruncateAndPad() {
        // given two users, oldest event first, one longer than the model reads
        List<HistoryEvent> longer = List.of(
                new HistoryEvent("a", EventType.VIEW, 1_000),
                new HistoryEvent("b", EventType.CLICK, 2_000),
                new HistoryEvent("c", EventType.PURCHASE, 3_000),
                new HistoryEvent("d", EventType.ADD_TO_CART, 4_000));
        List<HistoryEvent> shorter = List.of(new HistoryEvent("x", EventType.CLICK, 9_000));

        // when encoded for a model reading 3 events, scored at t = 10 s
        HistoryBatch in = HistoryEncoder.encode(List.of(longer, shorter), new long[] {10_000, 10_000}, 3);

        // then rows are most recent first, cut at 3, padded, with ages in seconds
        assertThat(in.rows()).isEqualTo(2);
        assertThat(in.length()).isEqualTo(3);
        assertThat(in.items()).containsExactly("d", "c", "b", "x", ModelContract.PAD_ITEM, ModelContract.PAD_ITEM);
        assertThat(in.types()).containsExactly(ModelContract.typeCode(EventType.ADD_TO_CART),
                ModelContract.typeCode(EventType.PURCHASE), ModelContract.typeCode(EventType.CLICK),
                ModelContract.typeCode(EventType.CLICK), 0L, 0L);
        assertThat(in.ages()).containsExactly(6f, 7f, 8f, 1f, 0f, 0f);
    }

    @Test
    void shouldGiveEmptyHistoriesOnePaddingColumnAndClampFutureEventsToAgeZero() {
        // when a user without history and one with an event after the scoring time are encoded
        HistoryBatch in = HistoryEncoder.encode(List.of(List.of(), List.of(new HistoryEvent("a", EventType.VIEW, 5_000))),
                new long[] {1_000, 1_000}, 20);

        // then the batch is [2, 1] and the skewed event has age 0
        assertThat(in.length()).isEqualTo(1);
        assertThat(in.items()).containsExactly(ModelContract.PAD_ITEM, "a");
        assertThat(in.ages()).containsExactly(0f, 0f);
        ItemRows rows = ItemRows.padded(List.of(List.of("a", "b"), List.of()));
        assertThat(rows.width()).isEqualTo(2);
        assertThat(rows.ids()).containsExactly("a", "b", ModelContract.PAD_ITEM, ModelContract.PAD_ITEM);
    }

    @Test
    void shouldPadToAFixedShapeWithEmptyRowsAfterTheHistories() {
        // when one history is encoded into a [4, 3] call (the app's rounded batch shape)
        HistoryBatch in = HistoryEncoder.encode(List.of(List.of(new HistoryEvent("a", EventType.VIEW, 0),
                new HistoryEvent("b", EventType.CLICK, 1_000))), new long[] {2_000}, 4, 3);

        // then row 0 holds it, most recent first, and every other slot is padding
        assertThat(in.rows()).isEqualTo(4);
        assertThat(in.items()).containsExactly("b", "a", ModelContract.PAD_ITEM,
                ModelContract.PAD_ITEM, ModelContract.PAD_ITEM, ModelContract.PAD_ITEM,
                ModelContract.PAD_ITEM, ModelContract.PAD_ITEM, ModelContract.PAD_ITEM,
                ModelContract.PAD_ITEM, ModelContract.PAD_ITEM, ModelContract.PAD_ITEM);
        assertThat(in.ages()[0]).isEqualTo(1f);
        assertThat(in.types()[11]).isZero();
    }
}
