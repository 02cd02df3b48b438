package dev.streamrec.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import org.junit.jupiter.api.Test;

class HoldoutSplitTest {

    @Test
    void holdoutIsTheLatestNewItemAndNothingAfterItTrains() {
        // given a user who buys b after viewing it, then views a again (not new)
        EventLog log = new EventLog(Map.of("u", List.of(
                new HistoryEvent("a", EventType.VIEW, 1),
                new HistoryEvent("b", EventType.VIEW, 2),
                new HistoryEvent("b", EventType.PURCHASE, 3),
                new HistoryEvent("a", EventType.VIEW, 4)),
                "w", List.of(new HistoryEvent("c", EventType.VIEW, 1), new HistoryEvent("d", EventType.VIEW, 2))), "test");

        // when split
        Split split = HoldoutSplit.lastNewItem(log, 1, 10, 1L);

        // then u's holdout is the first view of b, with only a before it, and nothing later in training
        EvalCase u = split.holdout().stream().filter(c -> c.userId().equals("u")).findFirst().orElseThrow();
        assertThat(u.target()).isEqualTo("b");
        assertThat(u.timestamp()).isEqualTo(2);
        assertThat(u.history()).extracting(HistoryEvent::itemId).containsExactly("a");
        assertThat(split.train().users().get("u")).hasSize(1);
        assertThat(u.negatives()).doesNotContain("a", "b");
    }
}
