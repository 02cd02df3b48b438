package dev.streamrec.trainer.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import org.junit.jupiter.api.Test;

/** The streams app's candidates counted offline, and a scorer held to them. */
class ServedCandidatesTest {

    private static List<HistoryEvent> seq(Object... itemsAndTypes) {
        List<HistoryEvent> out = new ArrayList<>();
        for (int i = 0; i < itemsAndTypes.length; i += 2) {
            out.add(new HistoryEvent((String) itemsAndTypes[i], (EventType) itemsAndTypes[i + 1], i));
        }
        return out;
    }

    private static final EventType V = EventType.VIEW;
    private static final EventType P = EventType.PURCHASE;

    /**
     * u1: a b c; u2: a b; u3: a d (d bought), u4: z z z z (z most popular, related to nothing). Pair weights (mean of
     * the two events' type weights, both ways): a-b 2 (u1, u2), b-c 1, a-c 1, a-d (1 + 8) / 2 = 4.5.
     */
    private static final EventLog TRAIN = log(Map.of(
            "u1", seq("a", V, "b", V, "c", V),
            "u2", seq("a", V, "b", V),
            "u3", seq("a", V, "d", P),
            "u4", seq("z", V, "z", V, "z", V, "z", V)));

    private static EventLog log(Map<String, List<HistoryEvent>> users) {
        return new EventLog(new LinkedHashMap<>(new java.util.TreeMap<>(users)), "test");
    }

    private static EvalCase caseOf(String target, Object... history) {
        return new EvalCase("u", seq(history), target, 100, List.of());
    }

    @Test
    void candidatesAreTheSeedsNeighboursByWeightAndRecencyThenTheTrendingBonusWithoutExcludedItems() {
        ServedCandidates served = ServedCandidates.count(TRAIN, ServedCandidates.TOP_M, ServedCandidates.SOURCES);

        // seeds c (latest, weight 1) then a (1/2): c's neighbours b 1, a 1; a's: d 4.5, b 2, c 1
        // sums: d 2.25, b 1 + 1 = 2, a 1 (excluded: in the history), c 0.5 (excluded) -> normalised by 2.25
        List<Scorer.Ranked> list = served.candidates(caseOf("d", "a", V, "c", V), Set.of("a", "c"));
        Map<String, Float> scores = new LinkedHashMap<>();
        list.forEach(r -> scores.put(r.itemId(), r.score()));

        // trending: z (4 events) first, worth 0.3; a (3), b (2) ... bonus 0.3 x count / 4
        assertThat(scores.keySet()).containsExactly("d", "b", "z");
        assertThat(scores.get("d")).isCloseTo((float) (1.0 + 0.3 * 1 / 4), within(1e-6f));
        assertThat(scores.get("b")).isCloseTo((float) (2 / 2.25 + 0.3 * 2 / 4), within(1e-6f));
        assertThat(scores.get("z")).isCloseTo(0.3f, within(1e-6f));
        assertThat(scores).doesNotContainKeys("a", "c");
    }

    @Test
    void fewerNeighboursPerItemGiveFewerCandidates() {
        // one neighbour per item (top-m 1): c's best is a or b (weight 1 each, a first by id), a's best d
        List<Scorer.Ranked> list = ServedCandidates.count(TRAIN, 1, ServedCandidates.SOURCES)
                .candidates(caseOf("d", "a", V, "c", V), Set.of("a", "c"));
        assertThat(list).extracting(Scorer.Ranked::itemId).containsExactly("d", "z", "b");
        assertThat(list.get(0).score()).isCloseTo((float) (1.0 + 0.3 / 4), within(1e-6f));
        // b is only trending now: 0.3 x 2 / 4
        assertThat(list.get(2).score()).isCloseTo(0.15f, within(1e-6f));
    }

    @Test
    void fewerSourcesPerEventRelateOnlyTheNearestEarlierItems() {
        // seed c alone. With 10 sources u1's c relates to b and a (weight 1 each); with 1 source only to b, so a
        // is a candidate only as trending (3 events: 0.3 x 3 / 4)
        Map<String, Float> wide = scores(ServedCandidates.count(TRAIN, ServedCandidates.TOP_M, 10)
                .candidates(caseOf("a", "c", V), Set.of("c")));
        Map<String, Float> near = scores(ServedCandidates.count(TRAIN, ServedCandidates.TOP_M, 1)
                .candidates(caseOf("a", "c", V), Set.of("c")));

        assertThat(wide.get("a")).isCloseTo((float) (1.0 + 0.3 * 3 / 4), within(1e-6f));
        assertThat(near.get("a")).isCloseTo((float) (0.3 * 3 / 4), within(1e-6f));
        assertThat(near.get("b")).isCloseTo((float) (1.0 + 0.3 * 2 / 4), within(1e-6f));
        assertThatThrownBy(() -> ServedCandidates.count(TRAIN, ServedCandidates.TOP_M, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, Float> scores(List<Scorer.Ranked> list) {
        Map<String, Float> out = new LinkedHashMap<>();
        list.forEach(r -> out.put(r.itemId(), r.score()));
        return out;
    }

    @Test
    void aRestrictedScorerRanksOnlyTheCandidatesByItsOwnScoresAndMissesTargetsOutsideThem() {
        ServedCandidates served = ServedCandidates.count(TRAIN, ServedCandidates.TOP_M, ServedCandidates.SOURCES);
        // a scorer that knows every item and prefers z, then d, then b, ..., and far above all an item no candidate is
        Map<String, Float> table = Map.of("q", 100f, "z", 9f, "d", 5f, "b", 4f, "a", 1f, "c", 1f);
        Scorer inner = new Scorer() {
            @Override
            public String name() {
                return "table";
            }

            @Override
            public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
                float[][] out = new float[cases.size()][];
                for (int b = 0; b < cases.size(); b++) {
                    out[b] = new float[candidates.get(b).size()];
                    for (int i = 0; i < out[b].length; i++) {
                        out[b][i] = table.getOrDefault(candidates.get(b).get(i), 0f);
                    }
                }
                return out;
            }

            @Override
            public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
                throw new AssertionError("the restricted scorer never asks for the full catalogue");
            }
        };
        Evaluator evaluator = new Evaluator();

        // d is a candidate, second by the scorer (after z): rank 1 (0-based)
        Metrics hit = evaluator.evaluate(served.restrict(inner), List.of(caseOf("d", "a", V, "c", V)));
        assertThat(hit.fullHrAt5()).isEqualTo(1.0);
        assertThat(hit.fullMrrAt20()).isCloseTo(0.5, within(1e-9));
        // q scores highest but is no candidate: a miss
        Metrics miss = evaluator.evaluate(served.restrict(inner), List.of(caseOf("q", "a", V, "c", V)));
        assertThat(miss.fullHrAt20()).isZero();
        // the heuristic order puts d first
        Metrics heuristic = evaluator.evaluate(served.heuristic(), List.of(caseOf("d", "a", V, "c", V)));
        assertThat(heuristic.fullMrrAt20()).isCloseTo(1.0, within(1e-9));
        assertThat(served.recall(List.of(caseOf("d", "a", V, "c", V), caseOf("q", "a", V, "c", V)),
                ExclusionPolicy.HISTORY)).isEqualTo(0.5);
    }
}
