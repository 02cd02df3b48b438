package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import dev.streamrec.avro.EventType;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    /** Scores each item by a fixed table whatever the history; items off the table are unknown. */
    private record Table(Map<String, Float> scores) {
        float of(String id) {
            return scores.getOrDefault(id, ModelContract.UNKNOWN_ITEM_SCORE);
        }
    }

    /** The table as a dense scorer: the evaluator's vector path. */
    private record DenseTable(Table table, Catalogue catalogue) implements DenseScorer {
        DenseTable(Table table) {
            this(table, Catalogue.of(table.scores().keySet()));
        }

        @Override
        public String name() {
            return "dense";
        }

        @Override
        public void scoreAll(List<EvalCase> cases, float[][] out) {
            for (float[] row : out) {
                for (int r = 0; r < row.length; r++) {
                    row[r] = table.of(catalogue.id(r));
                }
            }
        }
    }

    /** The table as a list scorer: the evaluator's top-k path (how ONNX Runtime's full-catalogue mode is ranked). */
    private record ListTable(Table table) implements Scorer {
        @Override
        public String name() {
            return "lists";
        }

        @Override
        public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
            float[][] out = new float[cases.size()][];
            for (int b = 0; b < cases.size(); b++) {
                List<String> row = candidates.get(b);
                out[b] = new float[row.size()];
                for (int c = 0; c < row.size(); c++) {
                    out[b][c] = table.of(row.get(c));
                }
            }
            return out;
        }

        @Override
        public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
            List<List<Ranked>> out = new ArrayList<>();
            for (int b = 0; b < cases.size(); b++) {
                List<String> ex = exclude.get(b);
                // Ties ordered by id, so a tied target may fall just outside a short list.
                out.add(table.scores().entrySet().stream().filter(e -> !ex.contains(e.getKey()))
                        .sorted(Map.Entry.<String, Float>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                        .limit(k).map(e -> new Ranked(e.getKey(), e.getValue())).toList());
            }
            return out;
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /** Mean of f over 0-based ranks from..to inclusive (the expected value under uniform tie-breaking). */
    private static double mean(int from, int to, DoubleUnaryOperator f) {
        double s = 0;
        for (int r = from; r <= to; r++) {
            s += f.applyAsDouble(r);
        }
        return s / (to - from + 1);
    }

    private static DoubleUnaryOperator ndcgAt(int k) {
        return r -> r < k ? 1 / log2(r + 2) : 0;
    }

    private static DoubleUnaryOperator hitAt(int k) {
        return r -> r < k ? 1 : 0;
    }

    private static HistoryEvent event(String item, EventType type) {
        return new HistoryEvent(item, type, 0);
    }

    private static List<Metrics> bothPaths(Table table, List<EvalCase> cases, ExclusionPolicy policy) {
        Evaluator evaluator = new Evaluator(policy, 2);
        return List.of(evaluator.evaluate(new DenseTable(table), cases), evaluator.evaluate(new ListTable(table), cases));
    }

    @Test
    void aTargetTiedWithThreeOthersAtZeroAmongTenItemsGetsTheMeanOverTheTiedRanks() {
        // given 10 items: 6 with distinct positive scores, the target and 3 others at 0; nothing excluded
        Map<String, Float> scores = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            scores.put("p" + i, 6f - i);
        }
        scores.put("t", 0f);
        for (int i = 0; i < 3; i++) {
            scores.put("z" + i, 0f);
        }
        EvalCase c = new EvalCase("u", List.of(), "t", 1, List.of("p0", "z0"));

        for (Metrics m : bothPaths(new Table(scores), List.of(c), ExclusionPolicy.HISTORY)) {
            // then the rank is uniform on 6..9
            assertThat(m.fullHrAt5()).as("HR@5").isZero();
            assertThat(m.fullHrAt10()).as("HR@10").isEqualTo(1.0);
            assertThat(m.fullHrAt20()).as("HR@20").isEqualTo(1.0);
            assertThat(m.fullNdcgAt5()).as("NDCG@5").isZero();
            assertThat(m.fullNdcgAt10()).as("NDCG@10")
                    .isCloseTo((1 / log2(8) + 1 / log2(9) + 1 / log2(10) + 1 / log2(11)) / 4, within(1e-12));
            assertThat(m.fullNdcgAt20()).as("NDCG@20").isCloseTo(m.fullNdcgAt10(), within(1e-12));
            assertThat(m.fullMrrAt20()).as("MRR@20").isCloseTo((1.0 / 7 + 1.0 / 8 + 1.0 / 9 + 1.0 / 10) / 4, within(1e-12));
            // and sampled: beaten by p0, tied with z0: rank uniform on 1..2
            assertThat(m.hrAt10()).as("sampled HR@10").isEqualTo(1.0);
            assertThat(m.ndcgAt10()).as("sampled NDCG@10").isCloseTo((1 / log2(3) + 1 / log2(4)) / 2, within(1e-12));
            assertThat(m.unknownTargets()).isZero();
            assertThat(m.excludedTargets()).isZero();
        }
    }

    @Test
    void tiesStraddlingACutOffCountThePartInside() {
        // given a target beaten by 3 and tied with 4: rank uniform on 3..7
        Map<String, Float> scores = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            scores.put("hi" + i, 5f);
        }
        scores.put("t", 1f);
        for (int i = 0; i < 4; i++) {
            scores.put("tie" + i, 1f);
        }
        for (int i = 0; i < 30; i++) {
            scores.put("lo" + i, 0.5f);
        }
        EvalCase c = new EvalCase("u", List.of(), "t", 1, List.of());

        for (Metrics m : bothPaths(new Table(scores), List.of(c), ExclusionPolicy.HISTORY)) {
            // then 2 of the 5 equally likely ranks (3, 4) are inside the top 5
            assertThat(m.fullHrAt5()).isCloseTo(0.4, within(1e-12));
            assertThat(m.fullNdcgAt5()).isCloseTo((1 / log2(5) + 1 / log2(6)) / 5, within(1e-12));
            assertThat(m.fullHrAt10()).isEqualTo(1.0);
            assertThat(m.fullMrrAt20()).isCloseTo(mean(3, 7, r -> 1 / (r + 1)), within(1e-12));
        }
    }

    @Test
    void tiesReachingPastTheListEndAreCountedOverTheWholeCatalogue() {
        // given 60 items all tied (the list path must fetch longer lists) and a target among them
        Map<String, Float> scores = new LinkedHashMap<>();
        for (int i = 0; i < 60; i++) {
            scores.put(String.format("i%02d", i), 0f);
        }
        EvalCase c = new EvalCase("u", List.of(), "i59", 1, List.of());

        for (Metrics m : bothPaths(new Table(scores), List.of(c), ExclusionPolicy.HISTORY)) {
            // then the rank is uniform on 0..59
            assertThat(m.fullHrAt20()).isCloseTo(20.0 / 60, within(1e-12));
            assertThat(m.fullNdcgAt10()).isCloseTo(mean(0, 59, ndcgAt(10)), within(1e-12));
            assertThat(m.fullHrAt5()).isCloseTo(mean(0, 59, hitAt(5)), within(1e-12));
        }
    }

    @Test
    void sampledRankCountsTiesAmongNegativesAtTheirExpectedValue() {
        // given a target tied with 4 negatives and beaten by 8: rank uniform on 8..12
        Map<String, Float> scores = new LinkedHashMap<>();
        scores.put("t", 1f);
        List<String> negatives = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            scores.put("hi" + i, 2f);
            negatives.add("hi" + i);
        }
        for (int i = 0; i < 4; i++) {
            scores.put("tie" + i, 1f);
            negatives.add("tie" + i);
        }
        EvalCase c = new EvalCase("u", List.of(), "t", 1, negatives);

        for (Metrics m : bothPaths(new Table(scores), List.of(c), ExclusionPolicy.HISTORY)) {
            assertThat(m.hrAt10()).isCloseTo(0.4, within(1e-12));
            assertThat(m.ndcgAt10()).isCloseTo((1 / log2(10) + 1 / log2(11)) / 5, within(1e-12));
        }
    }

    @Test
    void historyPolicyRemovesEveryHistoryItemAndPurchasesPolicyOnlyPurchasesAndTheLatestItem() {
        // given a user who viewed v (best score), purchased p, and last viewed l; the target is fourth overall
        Table table = new Table(Map.of("v", 9f, "p", 8f, "l", 7f, "t", 3f, "a", 5f, "b", 1f));
        List<HistoryEvent> history = List.of(event("v", EventType.VIEW), event("p", EventType.PURCHASE),
                event("l", EventType.VIEW));
        EvalCase c = new EvalCase("u", history, "t", 1, List.of("b"));

        // when history is excluded, only a is above the target: rank 1
        for (Metrics m : bothPaths(table, List.of(c), ExclusionPolicy.HISTORY)) {
            assertThat(m.fullMrrAt20()).isCloseTo(0.5, within(1e-12));
        }
        // when only purchases (and the latest item) are excluded, the viewed v comes back: rank 2
        for (Metrics m : bothPaths(table, List.of(c), ExclusionPolicy.PURCHASES)) {
            assertThat(m.fullMrrAt20()).isCloseTo(1.0 / 3, within(1e-12));
        }
        assertThat(ExclusionPolicy.PURCHASES.excluded(c)).containsExactly("p", "l");
        assertThat(ExclusionPolicy.HISTORY.excluded(c)).containsExactly("v", "p", "l");
    }

    @Test
    void unreachableTargetsAreMissesAndCounted() {
        // given one target in the user's history, one the scorer does not know, one ranked first
        Table table = new Table(Map.of("a", 2f, "b", 1f, "c", 0f));
        EvalCase repeat = new EvalCase("u", List.of(event("a", EventType.VIEW)), "a", 1, List.of("c"));
        EvalCase cold = new EvalCase("v", List.of(), "new", 1, List.of("c"));
        EvalCase hit = new EvalCase("w", List.of(), "a", 1, List.of("c"));

        for (Metrics m : bothPaths(table, List.of(repeat, cold, hit), ExclusionPolicy.HISTORY)) {
            // then every case counts, only the last hits
            assertThat(m.cases()).isEqualTo(3);
            assertThat(m.excludedTargets()).isEqualTo(1);
            assertThat(m.unknownTargets()).isEqualTo(1);
            assertThat(m.fullHrAt20()).isCloseTo(1.0 / 3, within(1e-12));
            assertThat(m.fullNdcgAt5()).isCloseTo(1.0 / 3, within(1e-12));
        }
    }

    @Test
    void resultDoesNotDependOnTheThreadCount() {
        // given 500 cases over 300 items with many ties
        Map<String, Float> scores = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            scores.put("i" + i, (float) (i % 17));
        }
        List<EvalCase> cases = new ArrayList<>();
        for (int u = 0; u < 500; u++) {
            cases.add(new EvalCase("u" + u, List.of(event("i" + (u * 7 % 300), EventType.VIEW)), "i" + (u * 13 % 300), 1,
                    List.of("i" + (u % 300), "i" + ((u + 1) % 300))));
        }
        DenseTable scorer = new DenseTable(new Table(scores));

        // when evaluated with 1 and 3 threads
        Metrics one = new Evaluator(ExclusionPolicy.HISTORY, 1).evaluate(scorer, cases);
        Metrics three = new Evaluator(ExclusionPolicy.HISTORY, 3).evaluate(scorer, cases);

        // then identical, and identical to the list path
        assertThat(three).isEqualTo(one);
        Metrics lists = new Evaluator(ExclusionPolicy.HISTORY, 1).evaluate(new ListTable(new Table(scores)), cases);
        assertThat(lists.fullNdcgAt20()).isCloseTo(one.fullNdcgAt20(), within(1e-12));
        assertThat(lists.fullMrrAt20()).isCloseTo(one.fullMrrAt20(), within(1e-12));
        Metrics sampledOnly = new Evaluator(ExclusionPolicy.HISTORY, 1).evaluateSampled(scorer, cases);
        assertThat(sampledOnly.ndcgAt10()).isEqualTo(one.ndcgAt10());
        assertThat(sampledOnly.fullHrAt20()).isNaN();
    }

    @Test
    void denseTopItemsSkipExcludedAndBreakTiesByRow() {
        Table table = new Table(Map.of("a", 1f, "b", 3f, "c", 3f, "d", 2f));
        DenseTable scorer = new DenseTable(table);
        EvalCase c = new EvalCase("u", List.of(), "a", 1, List.of());

        List<Scorer.Ranked> top = scorer.topItems(List.of(c), List.of(List.of("d")), 3).getFirst();

        assertThat(top).extracting(Scorer.Ranked::itemId).containsExactly("b", "c", "a");
        assertThat(top.stream().map(Scorer.Ranked::score).sorted(Comparator.reverseOrder()).toList())
                .containsExactly(3f, 3f, 1f);
    }
}
