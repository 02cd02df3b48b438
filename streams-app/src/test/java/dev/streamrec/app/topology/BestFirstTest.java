package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Heap order and quickselect against a full sort, on random lists with many ties of score (broken by id). */
class BestFirstTest {

    private record Item(String id, double score) {
    }

    private static final Comparator<Item> ORDER = (a, b) -> {
        int c = Double.compare(b.score(), a.score());
        return c != 0 ? c : a.id().compareTo(b.id());
    };

    @Test
    void drainingGivesTheSortedOrder() {
        SplittableRandom random = new SplittableRandom(3);
        for (int n : new int[] {0, 1, 2, 3, 7, 64, 200, 513}) {
            for (int round = 0; round < 20; round++) {
                List<Item> items = items(random, n);
                List<Item> sorted = new ArrayList<>(items);
                sorted.sort(ORDER);

                BestFirst<Item> best = new BestFirst<>(items, ORDER);
                List<Item> drained = new ArrayList<>();
                while (best.hasNext()) {
                    drained.add(best.next());
                }

                assertThat(drained).as("n=%d round %d", n, round).isEqualTo(sorted);
            }
        }
    }

    @Test
    void takingAFewGivesTheBestFewAndLeavesTheInputAlone() {
        List<Item> items = items(new SplittableRandom(5), 300);
        List<Item> before = List.copyOf(items);
        List<Item> sorted = new ArrayList<>(items);
        sorted.sort(ORDER);

        BestFirst<Item> best = new BestFirst<>(items, ORDER);
        List<Item> first = List.of(best.next(), best.next(), best.next());

        assertThat(first).isEqualTo(sorted.subList(0, 3));
        assertThat(items).isEqualTo(before);
    }

    @Test
    void anEmptyOneHasNothingToGive() {
        BestFirst<Item> best = new BestFirst<>(List.of(), ORDER);
        assertThat(best.hasNext()).isFalse();
        assertThatThrownBy(best::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void keepBestMovesExactlyTheBestKToTheFront() {
        SplittableRandom random = new SplittableRandom(7);
        for (int n : new int[] {1, 2, 3, 5, 10, 201, 500, 1000}) {
            for (int k : new int[] {1, 2, n / 3, n / 2, n - 1, n, n + 5}) {
                if (k < 1) {
                    continue;
                }
                for (int round = 0; round < 10; round++) {
                    Item[] a = items(random, n).toArray(Item[]::new);
                    Item[] sorted = a.clone();
                    Arrays.sort(sorted, ORDER);

                    BestFirst.keepBest(a, n, k, ORDER);

                    int kept = Math.min(k, n);
                    assertThat(a).as("n=%d k=%d: a permutation", n, k).containsExactlyInAnyOrder(sorted);
                    assertThat(Arrays.copyOf(a, kept)).as("n=%d k=%d round %d", n, k, round)
                            .containsExactlyInAnyOrder(Arrays.copyOf(sorted, kept));
                }
            }
        }
    }

    @Test
    void keepBestOnSortedAndReversedInput() {
        for (boolean reversed : new boolean[] {false, true}) {
            Item[] a = new Item[400];
            for (int i = 0; i < a.length; i++) {
                a[i] = new Item(String.format("i%03d", i), reversed ? i : -i);
            }
            Item[] sorted = a.clone();
            Arrays.sort(sorted, ORDER);

            BestFirst.keepBest(a, a.length, 50, ORDER);

            assertThat(Arrays.copyOf(a, 50)).containsExactlyInAnyOrder(Arrays.copyOf(sorted, 50));
        }
    }

    /** n items with scores from a small range (many ties) and distinct ids. */
    private static List<Item> items(SplittableRandom random, int n) {
        List<Item> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            items.add(new Item("i" + random.nextInt(1_000_000) + "-" + i, random.nextInt(12) / 4.0));
        }
        return items;
    }
}
