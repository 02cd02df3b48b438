package dev.streamrec.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import org.junit.jupiter.api.Test;

class EvalCaseTest {

    @Test
    void aCaseIsScoredWhenItsLatestHistoryEventArrivedNotWhenTheTargetDid() {
        // given a history whose latest event is at t=2,000 and a target an hour later
        List<HistoryEvent> history = List.of(new HistoryEvent("a", EventType.VIEW, 1_000L),
                new HistoryEvent("b", EventType.CLICK, 2_000L));
        EvalCase c = new EvalCase("u", history, "c", 3_602_000L, List.of());

        // then ages are measured from t=2,000, as the streams app scores when b arrives
        assertThat(c.scoringTime()).isEqualTo(2_000L);
        // and a case without history falls back to the target's time
        assertThat(new EvalCase("u", List.of(), "c", 3_602_000L, List.of()).scoringTime()).isEqualTo(3_602_000L);
    }
}
