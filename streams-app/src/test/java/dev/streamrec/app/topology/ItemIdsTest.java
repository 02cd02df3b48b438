package dev.streamrec.app.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

class ItemIdsTest {

    @Test
    void equalIdsGiveOneString() {
        ItemIds ids = new ItemIds(10);
        String first = ids.canonical(new String("item-1"));
        assertSame(first, ids.canonical(new String("item-1")));
    }

    @Test
    void theSharedIdsAreBoundedAndStartOverPastTheBound() {
        ItemIds ids = new ItemIds(3);
        String a = ids.canonical(new String("a"));
        for (String s : List.of("b", "c", "d")) {
            ids.canonical(s);
        }
        // Four ids went past the bound of three: the map started over, so "a" is taken afresh, and kept from then on.
        String again = ids.canonical(new String("a"));
        assertNotSame(a, again);
        assertSame(again, ids.canonical(new String("a")));
        assertEquals("a", again);
    }
}
