package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentlyShownTest {

    private static final long WINDOW = 30 * 60_000L;
    private static final long T = 1_800_000_000_000L;

    @Test
    void shouldRememberShownItemsWithinTheWindowNewestFirstAndForgetOlderOnes() {
        RecentlyShown memory = new RecentlyShown(WINDOW, 100);
        // given a, b shown at T and c at T + 10 min
        memory.shown("u", memory.of("u"), hashes("a", "b"), T);
        memory.shown("u", memory.of("u"), hashes("c"), T + 600_000);
        RecentlyShown.Shown shown = memory.of("u");

        // then all three are remembered with their times
        assertThat(shown.size()).isEqualTo(3);
        assertThat(shown.lastShown("a".hashCode())).isEqualTo(T);
        assertThat(shown.lastShown("c".hashCode())).isEqualTo(T + 600_000);
        assertThat(shown.lastShown("zzz".hashCode())).isEqualTo(RecentlyShown.NEVER);

        // when b is shown again 35 min after T: a drops out of the window, b moves to the new time
        memory.shown("u", memory.of("u"), hashes("b"), T + 35 * 60_000);
        shown = memory.of("u");
        assertThat(shown.size()).isEqualTo(2);
        assertThat(shown.lastShown("a".hashCode())).isEqualTo(RecentlyShown.NEVER);
        assertThat(shown.lastShown("b".hashCode())).isEqualTo(T + 35 * 60_000);
        assertThat(shown.newest()).isEqualTo(T + 35 * 60_000);
    }

    @Test
    void shouldKeepTheNewestEntriesUpToTheLimitAlsoForAnOutOfOrderList() {
        RecentlyShown.Shown shown = memoryOf().with(hashes("a", "b"), T + 60_000, WINDOW, 3);
        // an older event's list (out of order) lands behind the newer entries
        shown = shown.with(hashes("c", "d"), T, WINDOW, 3);
        assertThat(shown.newest()).isEqualTo(T + 60_000);
        assertThat(shown.size()).isEqualTo(3);
        assertThat(shown.lastShown("a".hashCode())).isEqualTo(T + 60_000);
        assertThat(shown.lastShown("b".hashCode())).isEqualTo(T + 60_000);
    }

    @Test
    void shouldDropUsersWhoseListsLeftTheWindowWithoutCountingThem() {
        RecentlyShown memory = new RecentlyShown(WINDOW, 100);
        memory.shown("early", memory.of("early"), hashes("a"), T);
        memory.shown("later", memory.of("later"), hashes("a"), T + 10 * 60_000);

        // a list 31 min after the first: "early" has nothing left in the window, "later" has
        assertThat(memory.shown("now", memory.of("now"), hashes("b"), T + 31 * 60_000)).as("dropped over the limit").isZero();
        assertThat(memory.users()).isEqualTo(2);
        assertThat(memory.of("early").size()).isZero();
        assertThat(memory.of("later").size()).isEqualTo(1);
    }

    @Test
    void shouldDropTheLeastRecentlyShownToUserPastTheLimitAndSayHowMany() {
        RecentlyShown memory = new RecentlyShown(WINDOW, 2);
        memory.shown("u1", memory.of("u1"), hashes("a"), T);
        memory.shown("u2", memory.of("u2"), hashes("a"), T + 1);
        memory.shown("u1", memory.of("u1"), hashes("b"), T + 2); // u1 shown to again: u2 is now the least recent

        assertThat(memory.shown("u3", memory.of("u3"), hashes("c"), T + 3)).isEqualTo(1);
        assertThat(memory.users()).isEqualTo(2);
        assertThat(memory.of("u2").size()).as("dropped").isZero();
        assertThat(memory.of("u1").lastShown("a".hashCode())).isEqualTo(T);
    }

    @Test
    void shouldNotKeepAUserShownAnEmptyListWithNothingElseInTheWindow() {
        RecentlyShown memory = new RecentlyShown(WINDOW, 100);
        memory.shown("nothing", memory.of("nothing"), hashes(), T);
        memory.shown("later", memory.of("later"), hashes("a"), T + 31 * 60_000);
        assertThat(memory.users()).isEqualTo(1);
        assertThat(memory.of("later").size()).isEqualTo(1);
        // and one that had items keeps them through an empty list
        memory.shown("later", memory.of("later"), hashes(), T + 32 * 60_000);
        assertThat(memory.of("later").lastShown("a".hashCode())).isEqualTo(T + 31 * 60_000);
    }

    @Test
    void shouldForgetAUserOnRequest() {
        RecentlyShown memory = new RecentlyShown(WINDOW, 100);
        memory.shown("u", memory.of("u"), hashes("a"), T);
        memory.forget("u");
        assertThat(memory.of("u").lastShown("a".hashCode())).isEqualTo(RecentlyShown.NEVER);
        assertThat(memory.users()).isZero();
    }

    private static RecentlyShown.Shown memoryOf() {
        return new RecentlyShown(WINDOW, 1).of("nobody");
    }

    private static int[] hashes(String... ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i].hashCode();
        }
        return out;
    }
}
