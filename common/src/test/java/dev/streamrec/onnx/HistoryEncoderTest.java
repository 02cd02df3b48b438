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
        ModelInput in = HistoryEncoder.encode(List.of(longer, shorter), new long[] {10_000, 10_000}, 3);

        // then rows are most recent first, cut at 3, padded, with ages in seconds
        assertThat(in.historyItems()[0]).containsExactly("d", "c", "b");
        assertThat(in.historyTypes()[0]).containsExactly(ModelContract.typeCode(EventType.ADD_TO_CART),
                ModelContract.typeCode(EventType.PURCHASE), ModelContract.typeCode(EventType.CLICK));
        assertThat(in.historyAges()[0]).containsExactly(6f, 7f, 8f);
        assertThat(in.historyItems()[1]).containsExactly("x", ModelContract.PAD_ITEM, ModelContract.PAD_ITEM);
        assertThat(in.historyTypes()[1]).containsExactly(ModelContract.typeCode(EventType.CLICK), 0L, 0L);
    }

    @Test
    void shouldGiveEmptyHistoriesOnePaddingColumnAndClampFutureEventsToAgeZero() {
        // when a user without history and one with an event after the scoring time are encoded
        ModelInput in = HistoryEncoder.encode(List.of(List.of(), List.of(new HistoryEvent("a", EventType.VIEW, 5_000))),
                new long[] {1_000, 1_000}, 20);

        // then the batch is [2, 1] and the skewed event has age 0
        assertThat(in.historyLength()).isEqualTo(1);
        assertThat(in.historyItems()[0]).containsExactly(ModelContract.PAD_ITEM);
        assertThat(in.historyAges()[1]).containsExactly(0f);
        assertThat(HistoryEncoder.padded(List.of(List.of("a", "b"), List.of()))).isDeepEqualTo(
                new String[][] {{"a", "b"}, {ModelContract.PAD_ITEM, ModelContract.PAD_ITEM}});
    }
}
