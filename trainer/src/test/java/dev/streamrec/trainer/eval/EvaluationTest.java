package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.HoldoutSplit;
import dev.streamrec.trainer.data.Split;
import dev.streamrec.trainer.data.Splits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {

    private static final EventLog LOG = Fixtures.log(150, 80, 5_000, 21L);

    @Test
    void selectSeesOnlyTheSelectionSplitAndFitSeesAllTrainingData() {
        // given a factory that records what it is handed
        Splits splits = Splits.of(HoldoutSplit.lastNewItem(LOG, 20, Integer.MAX_VALUE, 1L), 20);
        List<Object> seen = new ArrayList<>();
        ScorerFactory recording = new ScorerFactory() {
            @Override
            public String name() {
                return "recording";
            }

            @Override
            public String description() {
                return "records its inputs";
            }

            @Override
            public Selection select(Splits s, Evaluator evaluator) {
                seen.add(s.selection().train());
                return new Selection(Map.of("epochs", 4), null);
            }

            @Override
            public Scorer fit(EventLog train, Catalogue catalogue, Selection selection) {
                seen.add(train);
                seen.add(selection.intChoice("epochs"));
                return new PopularityScorer(train, catalogue);
            }
        };

        // when run through the evaluate flow
        Evaluation.Result r = Evaluation.run(recording, splits, new Evaluator());

        // then selection learnt without the validation events, the final fit with everything, and the test was scored
        assertThat(seen).containsExactly(splits.selection().train(), splits.train(), 4);
        assertThat(splits.selection().train().eventCount()).isLessThan(splits.train().eventCount());
        assertThat(r.test().cases()).isEqualTo(splits.test().holdout().size());
        assertThat(r.selection().choices()).containsEntry("epochs", 4);
    }

    @Test
    void poolingModelChoosesEpochsOnValidationThenRefitsOnAllTrainingData(@TempDir Path dir) {
        // given a split where one item occurs only as some user's validation event
        Split test = HoldoutSplit.lastNewItem(LOG, 20, Integer.MAX_VALUE, 1L);
        Splits base = Splits.of(test, 20);
        String onlyInValidation = "validation-only";
        Map<String, List<HistoryEvent>> users = new java.util.LinkedHashMap<>(test.train().users());
        String user = base.selection().holdout().getFirst().userId();
        List<HistoryEvent> seq = new ArrayList<>(users.get(user));
        HistoryEvent last = seq.getLast();
        seq.add(new HistoryEvent(onlyInValidation, last.type(), last.timestamp() + 1));
        users.put(user, seq);
        EventLog train = new EventLog(users, "test");
        List<EvalCase> cases = test.holdout().stream().map(c -> c.userId().equals(user)
                ? new EvalCase(user, seq, c.target(), c.timestamp(), c.negatives()) : c).toList();
        Splits splits = Splits.of(new Split(train, cases), 20);
        PoolingModelFactory factory = new PoolingModelFactory("model", Fixtures.quick().withMaxEpochs(3),
                SessionSettings.defaults(), dir);

        // when selected and fitted
        Selection selection = factory.select(splits, new Evaluator());
        try (Scorer model = factory.fit(splits.train(), splits.catalogue(), selection)) {
            // then the epochs come from validation, and the final model knows the item only validation held
            assertThat(selection.intChoice(TrainedModelFactory.EPOCHS)).isBetween(0, 3);
            assertThat(selection.validation().cases()).isEqualTo(splits.selection().holdout().size());
            assertThat(splits.selection().train().users().get(user)).extracting(HistoryEvent::itemId)
                    .doesNotContain(onlyInValidation);
            float[] s = model.scoreCandidates(List.of(cases.getFirst()), List.of(List.of(onlyInValidation)))[0];
            assertThat(s[0]).isGreaterThan(ModelContract.UNKNOWN_ITEM_SCORE);
        }
    }
}
