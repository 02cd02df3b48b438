package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EvalCase;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    /** Scores each item by a fixed table; full ranking lists the table's best unseen items. */
    private record TableScorer(java.util.Map<String, Float> table) implements Scorer {
        @Override
        public String name() {
            return "table";
        }

        @Override
        public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
            float[][] out = new float[cases.size()][];
            for (int b = 0; b < cases.size(); b++) {
                out[b] = new float[candidates.get(b).size()];
                for (int c = 0; c < out[b].length; c++) {
                    out[b][c] = table.getOrDefault(candidates.get(b).get(c), 0f);
                }
            }
            return out;
        }

        @Override
        public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
            return cases.stream().map(c -> table.entrySet().stream()
                    .filter(e -> !exclude.get(cases.indexOf(c)).contains(e.getKey()))
                    .sorted((a, b) -> Float.compare(b.getValue(), a.getValue()))
                    .limit(k).map(e -> new Ranked(e.getKey(), e.getValue())).toList()).toList();
        }
    }

    @Test
    void tiesCountHalfAndRanksGiveHitRateAndNdcg() {
        // given a target tied with 4 negatives and beaten by 8: rank 8 + 4/2 = 10, just outside the top 10
        java.util.Map<String, Float> table = new java.util.HashMap<>();
        table.put("t", 1f);
        List<String> negatives = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            table.put("hi" + i, 2f);
            negatives.add("hi" + i);
        }
        for (int i = 0; i < 4; i++) {
            table.put("tie" + i, 1f);
            negatives.add("tie" + i);
        }
        EvalCase outside = new EvalCase("u", List.of(new HistoryEvent("seen", EventType.VIEW, 0)), "t", 1, negatives);
        // and one beaten by 2 and tied with 1: rank 2.5
        EvalCase inside = new EvalCase("v", List.of(), "t", 1, List.of("hi0", "hi1", "tie0"));

        // when evaluated
        Metrics m = new Evaluator().evaluate(new TableScorer(table), List.of(outside, inside));

        // then only the second case hits, with NDCG 1/log2(2.5 + 2)
        assertThat(m.hrAt10()).isEqualTo(0.5);
        assertThat(m.ndcgAt10()).isCloseTo(0.5 / (Math.log(4.5) / Math.log(2)), within(1e-9));
        assertThat(m.cases()).isEqualTo(2);
    }

    @Test
    void fullRankingExcludesTheHistoryAndFindsTheTargetsRank() {
        // given a target third best overall, behind an item the user already saw
        java.util.Map<String, Float> table = java.util.Map.of("seen", 9f, "a", 5f, "b", 4f, "t", 3f, "c", 1f);
        EvalCase c = new EvalCase("u", List.of(new HistoryEvent("seen", EventType.PURCHASE, 0)), "t", 1, List.of("c"));

        // when evaluated
        Metrics m = new Evaluator().evaluate(new TableScorer(table), List.of(c));

        // then the seen item does not count: rank 2, reciprocal rank 1/3
        assertThat(m.recallAt20()).isEqualTo(1.0);
        assertThat(m.mrrAt20()).isCloseTo(1.0 / 3, within(1e-9));
    }
}
