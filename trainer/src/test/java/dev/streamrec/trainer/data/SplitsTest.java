package dev.streamrec.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import org.junit.jupiter.api.Test;

class SplitsTest {

    private static List<HistoryEvent> seq(String... items) {
        List<HistoryEvent> out = new java.util.ArrayList<>();
        for (int i = 0; i < items.length; i++) {
            out.add(new HistoryEvent(items[i], EventType.PURCHASE, 1000L * i));
        }
        return out;
    }

    @Test
    void validationIsEachUsersLastTrainingItemAndTheTestKeepsAllTrainingData() {
        // given a leave-last-out test split: u trained on a b c and tested on d, w on b c, tested on e
        Map<String, List<HistoryEvent>> train = new LinkedHashMap<>();
        train.put("u", seq("a", "b", "c"));
        train.put("w", seq("b", "c"));
        EventLog log = new EventLog(train, "hand-made");
        Split test = new Split(log, List.of(new EvalCase("u", train.get("u"), "d", 5000, List.of("e")),
                new EvalCase("w", train.get("w"), "e", 5000, List.of("a"))));

        // when the validation split is added
        Splits splits = Splits.of(test, 2);

        // then validation predicts each user's last training item from the rest, which alone trains selection
        EvalCase u = splits.selection().holdout().stream().filter(c -> c.userId().equals("u")).findFirst().orElseThrow();
        assertThat(u.target()).isEqualTo("c");
        assertThat(u.history()).extracting(HistoryEvent::itemId).containsExactly("a", "b");
        assertThat(splits.selection().train().users().get("u")).extracting(HistoryEvent::itemId).containsExactly("a", "b");
        assertThat(splits.selection().train().users().get("w")).extracting(HistoryEvent::itemId).containsExactly("b");
        assertThat(splits.selection().holdout()).hasSize(2);
        // and the final fit sees all of it; the catalogue holds every item named anywhere
        assertThat(splits.train()).isSameAs(log);
        assertThat(splits.catalogue().ids()).containsExactly("a", "b", "c", "d", "e");
    }
}
