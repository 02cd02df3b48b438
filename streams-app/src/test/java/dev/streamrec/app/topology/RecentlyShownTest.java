package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Map;

import dev.streamrec.avro.internal.RecentRecommendations;
import org.junit.jupiter.api.Test;

class RecentlyShownTest {

    private static final long WINDOW = 30 * 60_000L;
    private static final long T = 1_800_000_000_000L;

    @Test
    void shouldRememberShownItemsWithinTheWindowNewestFirstAndForgetOlderOnes() {
        // given a, b shown at T and c at T + 10 min
        RecentRecommendations v = RecentlyShown.withShown(RecentlyShown.read(null), hashes("a", "b"), T, WINDOW, 200);
        v = RecentlyShown.withShown(RecentlyShown.read(v), hashes("c"), T + 600_000, WINDOW, 200);
        RecentlyShown.Shown shown = RecentlyShown.read(v);

        // then all three are remembered with their times (whole seconds)
        assertThat(shown.size()).isEqualTo(3);
        assertThat(shown.lastShown("a".hashCode())).isEqualTo(T);
        assertThat(shown.lastShown("c".hashCode())).isEqualTo(T + 600_000);
        assertThat(shown.lastShown("zzz".hashCode())).isEqualTo(RecentlyShown.NEVER);

        // when b is shown again 35 min after T: a drops out of the window, b moves to the new time
        v = RecentlyShown.withShown(shown, hashes("b"), T + 35 * 60_000, WINDOW, 200);
        shown = RecentlyShown.read(v);
        assertThat(shown.size()).isEqualTo(2);
        assertThat(shown.lastShown("a".hashCode())).isEqualTo(RecentlyShown.NEVER);
        assertThat(shown.lastShown("b".hashCode())).isEqualTo(T + 35 * 60_000);
        assertThat(v.getNewest()).isEqualTo(T + 35 * 60_000);
    }

    @Test
    void shouldKeepTheNewestEntriesUpToTheLimitAlsoForAnOutOfOrderList() {
        RecentRecommendations v = RecentlyShown.withShown(RecentlyShown.read(null), hashes("a", "b"), T + 60_000, WINDOW, 3);
        // an older event's list (out of order) lands behind the newer entries
        v = RecentlyShown.withShown(RecentlyShown.read(v), hashes("c", "d"), T, WINDOW, 3);
        RecentlyShown.Shown shown = RecentlyShown.read(v);
        assertThat(v.getNewest()).isEqualTo(T + 60_000);
        assertThat(shown.size()).isEqualTo(3);
        assertThat(shown.lastShown("a".hashCode())).isEqualTo(T + 60_000);
        assertThat(shown.lastShown("b".hashCode())).isEqualTo(T + 60_000);
    }

    @Test
    void shouldReadVersionOneValuesWithTheirItemMap() {
        RecentRecommendations v1 = new RecentRecommendations(Map.of("a", T, "b", T + 1_000), 0L, ByteBuffer.allocate(0));
        RecentlyShown.Shown shown = RecentlyShown.read(v1);
        assertThat(shown.size()).isEqualTo(2);
        assertThat(shown.lastShown("b".hashCode())).isEqualTo(T + 1_000);
    }

    private static int[] hashes(String... ids) {
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i].hashCode();
        }
        return out;
    }
}
