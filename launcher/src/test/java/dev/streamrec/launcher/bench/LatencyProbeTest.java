package dev.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The latency probe's bookkeeping: which pending events a list settles, and the percentiles. */
class LatencyProbeTest {

    @Test
    void shouldSettleTheTriggerAndTheUsersEarlierEventsOnly() {
        // given two events of one user and one of another, sent at 0, 10 and 20 ms
        LatencyProbe.Pending pending = new LatencyProbe.Pending();
        pending.add(new LatencyProbe.Sent("u1", "e1", 0));
        pending.add(new LatencyProbe.Sent("u1", "e2", 10_000_000));
        pending.add(new LatencyProbe.Sent("u2", "e3", 20_000_000));

        // when a list of u1 triggered by e2 is seen at 30 ms, then one triggered by an unknown event
        pending.settle("u1", "e2", 30_000_000);
        pending.settle("u2", "not-pending", 40_000_000);

        // then e1 and e2 are settled (a list reflects every earlier event of its user), e3 still waits
        assertThat(pending.latencies).as("latencies of e1 and e2").containsExactly(30_000_000L, 20_000_000L);
        assertThat(pending.count).as("events still pending").isEqualTo(1);
    }

    @Test
    void shouldTakeNearestRankPercentilesInMilliseconds() {
        List<Long> nanos = new java.util.ArrayList<>();
        for (long ms = 100; ms >= 1; ms--) {
            nanos.add(ms * 1_000_000);
        }

        LatencyProbe.Latency l = LatencyProbe.Latency.of(nanos, 2);

        assertThat(l.p50()).as("p50").isEqualTo(50.0);
        assertThat(l.p99()).as("p99").isEqualTo(99.0);
        assertThat(l.max()).as("max").isEqualTo(100.0);
        assertThat(l.resolved()).isEqualTo(100);
        assertThat(l.unresolved()).isEqualTo(2);
    }

    @Test
    void shouldReportNoFigureWithoutSamples() {
        LatencyProbe.Latency l = LatencyProbe.Latency.of(List.of(), 5);

        assertThat(l.p99()).as("p99 without samples").isNaN();
        assertThat(l.unresolved()).isEqualTo(5);
    }
}
