package dev.streamrec.app.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import java.util.List;
import org.junit.jupiter.api.Test;

class NeighbourListTest {

    private static ItemNeighbours published(long at, String... idsAndScores) {
        List<NeighbourScore> ns = new java.util.ArrayList<>();
        for (int i = 0; i < idsAndScores.length; i += 2) {
            ns.add(NeighbourScore.newBuilder().setItemId(new String(idsAndScores[i]))
                    .setScore(Double.parseDouble(idsAndScores[i + 1])).build());
        }
        return ItemNeighbours.newBuilder().setItemId("seed").setUpdatedAt(at).setNeighbours(ns).build();
    }

    @Test
    void keepsTheOrderTheScoresAndThePublicationTime() {
        NeighbourList l = NeighbourList.of(published(42L, "b", "3.5", "a", "1.25"), new ItemIds(10));
        assertEquals(42L, l.updatedAt());
        assertArrayEquals(new String[] {"b", "a"}, l.ids());
        assertArrayEquals(new double[] {3.5, 1.25}, l.scores());
        assertArrayEquals(new int[] {"b".hashCode(), "a".hashCode()}, l.hashes());
        assertEquals(2, l.size());
    }

    @Test
    void listsShareOneStringPerItemIdSoACachedListHoldsNoIdOfItsOwn() {
        ItemIds ids = new ItemIds(10);
        NeighbourList first = NeighbourList.of(published(1L, "item-7", "1", "item-9", "2"), ids);
        NeighbourList second = NeighbourList.of(published(2L, "item-9", "5", "item-7", "4"), ids);
        assertSame(first.ids()[0], second.ids()[1]);
        assertSame(first.ids()[1], second.ids()[0]);
    }
}
