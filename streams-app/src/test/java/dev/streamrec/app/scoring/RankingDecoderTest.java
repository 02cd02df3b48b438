package dev.streamrec.app.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

import dev.streamrec.app.topology.Candidate;
import dev.streamrec.app.topology.RankedItem;
import dev.streamrec.model.ModelContract;
import org.junit.jupiter.api.Test;

/** Candidate-mode decoding: the order of the ranked list, exclusions and lazy stock checks. */
class RankingDecoderTest {

    private static final float UNKNOWN = ModelContract.UNKNOWN_ITEM_SCORE;

    @Test
    void shouldOrderKnownByScoreThenHeuristicThenIdAndUnknownLast() {
        // given: ties on the model score broken by the heuristic score, then by id; two unknown items
        List<Candidate> cands = List.of(
                new Candidate("u1", 0.9, "trending"),
                new Candidate("b", 0.5, "co-visited:x"),
                new Candidate("a", 0.5, "co-visited:x"),
                new Candidate("c", 0.7, "co-visited:y"),
                new Candidate("d", 0.1, "co-visited:y"),
                new Candidate("u2", 0.95, "trending"),
                new Candidate("z", 0.0, "trending"));
        float[] scores = {UNKNOWN, 2f, 2f, 2f, 3f, UNKNOWN, -0.5f, UNKNOWN}; // width 8: one padding column
        ScoreRequest r = new ScoreRequest("user", List.of(), cands, Set.of(), 10, 0L);

        // when
        List<RankedItem> out = RankingDecoder.candidates(r, scores, 0, 8, id -> true);

        // then
        assertThat(out).extracting(RankedItem::itemId)
                .as("known by score, ties by heuristic score then id; unknown ones after, by heuristic score")
                .containsExactly("d", "c", "a", "b", "z", "u2", "u1");
        assertThat(out.getFirst().score()).isEqualTo(3.0);
        assertThat(out.getFirst().reason()).isEqualTo("co-visited:y");
    }

    @Test
    void shouldSkipExcludedAndUnavailableAndCutToK() {
        List<Candidate> cands = List.of(new Candidate("a", 0.1, "r"), new Candidate("b", 0.1, "r"),
                new Candidate("c", 0.1, "r"), new Candidate("d", 0.1, "r"), new Candidate("e", 0.1, "r"));
        // row 1 of a [2, 5] call: row 0 must not be read
        float[] scores = {9, 9, 9, 9, 9, 5f, 4f, 3f, 2f, 1f};
        ScoreRequest r = new ScoreRequest("user", List.of(), cands, Set.of("a"), 2, 0L);
        List<String> asked = new ArrayList<>();

        List<RankedItem> out = RankingDecoder.candidates(r, scores, 1, 5, id -> {
            asked.add(id);
            return !id.equals("b");
        });

        assertThat(out).extracting(RankedItem::itemId).as("a excluded, b out of stock, cut to k = 2")
                .containsExactly("c", "d");
        assertThat(asked).as("stock asked lazily, best first, never for an excluded item").containsExactly("b", "c", "d");
    }

    @Test
    void shouldGiveTheSameOrderAsTheReferenceComparatorChain() {
        // The decoder's hand-written comparator against the Comparator chain it replaced, on random ties.
        java.util.Comparator<Object[]> reference = java.util.Comparator
                .comparing((Object[] s) -> !((Boolean) s[2]))
                .thenComparing(java.util.Comparator.comparingDouble((Object[] s) -> (Float) s[1]).reversed())
                .thenComparing(java.util.Comparator.comparingDouble((Object[] s) -> ((Candidate) s[0]).heuristicScore())
                        .reversed())
                .thenComparing(s -> ((Candidate) s[0]).itemId());
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(60);
            List<Candidate> cands = new ArrayList<>();
            float[] scores = new float[n];
            List<Object[]> expected = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                Candidate c = new Candidate("i" + random.nextInt(1000), random.nextInt(4) / 4.0, "r");
                cands.add(c);
                scores[j] = random.nextInt(5) == 0 ? UNKNOWN : random.nextInt(3) - 1f + (random.nextBoolean() ? 0f : -0f);
                expected.add(new Object[] {c, scores[j], scores[j] > UNKNOWN});
            }
            Collections.shuffle(expected, random); // the sort must not depend on the input order beyond ties
            expected.sort(reference);
            ScoreRequest r = new ScoreRequest("user", List.of(), cands, Set.of(), n, 0L);

            List<RankedItem> out = RankingDecoder.candidates(r, scores, 0, n, id -> true);

            assertThat(out).extracting(RankedItem::itemId).as("round %d", round)
                    .containsExactlyElementsOf(expected.stream().map(s -> ((Candidate) s[0]).itemId()).toList());
            assertThat(out).extracting(RankedItem::score).as("round %d", round)
                    .containsExactlyElementsOf(expected.stream().map(s -> (double) (Float) s[1]).toList());
        }
    }
}
