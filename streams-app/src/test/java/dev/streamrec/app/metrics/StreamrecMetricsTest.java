package dev.streamrec.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamrec.app.topology.CacheStats;
import dev.streamrec.app.topology.TopologySettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The heap caches' meters read the cache at scrape time, under the names docs/METRICS.md gives. */
class StreamrecMetricsTest {

    @Test
    void aCacheIsReadAtScrapeTimeUnderItsLabel() {
        // given a cache the topology registers
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StreamrecMetrics metrics = new StreamrecMetrics(registry, TopologySettings.defaults());
        long[] counts = {10, 3, 7}; // reads, loads, entries
        metrics.cache("neighbour-lists", new CacheStats() {
            @Override
            public long reads() {
                return counts[0];
            }

            @Override
            public long loads() {
                return counts[1];
            }

            @Override
            public int entries() {
                return (int) counts[2];
            }
        });

        // when the cache works on after the registration
        counts[0] = 25;
        counts[1] = 4;

        // then the meters give its current figures
        assertThat(registry.get(StreamrecMetrics.CACHE_READS).tag("cache", "neighbour-lists").functionCounter().count())
                .isEqualTo(25);
        assertThat(registry.get(StreamrecMetrics.CACHE_LOADS).tag("cache", "neighbour-lists").functionCounter().count())
                .isEqualTo(4);
        assertThat(registry.get(StreamrecMetrics.CACHE_ENTRIES).tag("cache", "neighbour-lists").gauge().value())
                .isEqualTo(7);
    }
}
