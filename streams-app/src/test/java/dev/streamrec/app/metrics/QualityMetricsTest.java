package dev.streamrec.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The rolling hit rate and coverage over one-minute buckets, on a clock the test moves. */
class QualityMetricsTest {

    private static final long MIN = 60_000;
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final QualityMetrics quality = new QualityMetrics(registry, Duration.ofMinutes(3), now::get);

    @Test
    void shouldRollTheHitRateAndCoverageOverTheWindow() {
        // minute 0: four items seen, two recommended, one hit in two interactions
        for (String item : List.of("a", "b", "c", "d")) {
            quality.seen(item);
        }
        quality.emitted(List.of("a", "b"), now.get());
        quality.interaction(true);
        quality.interaction(false);
        assertThat(quality.seenItems()).isEqualTo(4);
        assertThat(quality.coverage()).isEqualTo(0.5);
        assertThat(quality.hitRate()).isEqualTo(0.5);

        // minute 1, within the same window: a new item seen and recommended, another hit
        now.addAndGet(MIN);
        quality.seen("e");
        quality.seen("a");
        quality.emitted(List.of("e"), now.get());
        quality.interaction(true);
        assertThat(quality.seenItems()).as("distinct over both minutes").isEqualTo(5);
        assertThat(quality.coverage()).isEqualTo(3.0 / 5);
        assertThat(quality.hitRate()).isEqualTo(2.0 / 3);

        // minute 3: minute 0 has left the 3-minute window, minute 1 has not
        now.addAndGet(2 * MIN);
        assertThat(quality.seenItems()).isEqualTo(2);
        assertThat(quality.coverage()).isEqualTo(0.5);
        assertThat(quality.hitRate()).isEqualTo(1.0);

        // minute 5: nothing left
        now.addAndGet(2 * MIN);
        assertThat(quality.seenItems()).isZero();
        assertThat(quality.coverage()).isZero();
        assertThat(quality.hitRate()).isZero();
        // the counters are totals, not windowed
        assertThat(registry.get(QualityMetrics.HITS).counter().count()).isEqualTo(2);
        assertThat(registry.get(QualityMetrics.INTERACTIONS).counter().count()).isEqualTo(3);
    }

    @Test
    void shouldShareTheSeenItemsWithTheExperimentsCoverage() {
        SimpleMeterRegistry own = new SimpleMeterRegistry();
        StreamrecMetrics metrics = new StreamrecMetrics(own, dev.streamrec.app.topology.TopologySettings.defaults());
        metrics.seen("a");
        metrics.seen("b");
        metrics.experimentEmitted("exp", "treatment", List.of("a"));
        assertThat(own.get("streamrec.experiment.coverage.ratio").tag("variant", "treatment").gauge().value())
                .isEqualTo(0.5);
    }
}
