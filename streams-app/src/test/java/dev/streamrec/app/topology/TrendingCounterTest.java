package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import dev.streamrec.avro.EventType;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

/**
 * The trending counts a task keeps in memory ({@link TrendingSums}): rebuilt from the contents of its window
 * store, as {@link TrendingCounter#init} does for a task restored from its changelog, and moved on with the window.
 */
class TrendingCounterTest {

    private static final long MIN = 60_000;
    /** A minute boundary. */
    private static final long T0 = TopologyFixture.T0.toEpochMilli();

    @Test
    void shouldRebuildTheCountsOfARestoredStoreAndDropABucketOnceItLeavesTheWindow() {
        TopologySettings s = TopologySettings.defaults().toBuilder().trendingWindow(Duration.ofMinutes(10)).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            // given a trending store holding two buckets: hot 5 at minute 0, hot 2 and warm 3 at minute 1
            for (int i = 0; i < 5; i++) {
                f.send("u" + i, "hot", EventType.VIEW, Duration.ZERO);
            }
            for (int i = 0; i < 3; i++) {
                f.send("v" + i, "warm", EventType.VIEW, Duration.ofMinutes(1));
            }
            f.send("w1", "hot", EventType.VIEW, Duration.ofMinutes(1));
            f.send("w2", "hot", EventType.VIEW, Duration.ofMinutes(1));
            WindowStore<String, Long> store = f.driver.getWindowStore(StreamrecTopology.TRENDING_STORE);

            // when the counts are rebuilt from the store's contents (what init does after a restore)
            TrendingSums sums;
            try (KeyValueIterator<Windowed<String>, Long> it = store.all()) {
                sums = TrendingSums.of(it, MIN, TrendingCounter.MAX_HELD);
            }

            // then they sum both buckets while both are in the 10-minute window
            assertThat(sums).isNotNull();
            assertThat(plain(sums.from(T0 + 2 * MIN - 10 * MIN + 1))).isEqualTo(Map.of("hot", 7L, "warm", 3L));
            assertThat(sums.count("warm", T0 + MIN)).isEqualTo(3L);
            assertThat(sums.count("new", T0 + MIN)).isZero();

            // and the first bucket (minute 0) leaves once the window starts at minute 1; a late count for it goes to the store
            assertThat(plain(sums.from(T0 + MIN))).isEqualTo(Map.of("hot", 2L, "warm", 3L));
            assertThat(sums.count("hot", T0)).as("a bucket that left the window").isNull();

            // and a store with more counts than the bound gives no copy (the counter then reads the store)
            try (KeyValueIterator<Windowed<String>, Long> it = store.all()) {
                assertThat(TrendingSums.of(it, MIN, 2)).isNull();
            }
        }
    }

    private static Map<String, Long> plain(Map<String, long[]> sums) {
        Map<String, Long> out = new TreeMap<>();
        sums.forEach((item, n) -> out.put(item, n[0]));
        return out;
    }
}
