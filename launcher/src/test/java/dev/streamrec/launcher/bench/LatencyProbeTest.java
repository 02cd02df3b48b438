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
    void shouldReadOnlyTheOldestPendingEventsOfEachPartitionPerSweep() {
        // given 1,000 pending events of distinct users on each of two partitions, none reflected yet
        LatencyProbe.ServedWatch watch = new LatencyProbe.ServedWatch();
        for (int i = 0; i < 1000; i++) {
            watch.add(new LatencyProbe.Sent("a" + i, "ea" + i, i), 0);
            watch.add(new LatencyProbe.Sent("b" + i, "eb" + i, i), 1);
        }
        List<String> reads = new java.util.ArrayList<>();

        // when one sweep runs against an empty store
        watch.sweep((partition, user) -> {
            reads.add(partition + ":" + user);
            return null;
        }, () -> 0);

        // then it read the oldest HEADS users of each partition, in offset order, and nothing else
        assertThat(reads).as("store reads of one sweep").containsExactly("0:a0", "0:a1", "1:b0", "1:b1");
        assertThat(watch.pending.count).isEqualTo(2000);
    }

    @Test
    void shouldSettleWhatTheStoreReflectsAndWalkOnToLaterEvents() {
        // given five events of one partition: users u0..u4; the store reflects u0, u1 (by a later event of
        // u1 not sent here), and u3 ahead of u2 (out of order)
        LatencyProbe.ServedWatch watch = new LatencyProbe.ServedWatch();
        for (int i = 0; i < 5; i++) {
            watch.add(new LatencyProbe.Sent("u" + i, "e" + i, i * 1_000_000L), 0);
        }
        java.util.Map<String, String> store = new java.util.HashMap<>(java.util.Map.of("u0", "e0", "u1", "e1",
                "u3", "e3"));

        // when a sweep runs at 10 ms, then u2's list lands and another sweep runs at 20 ms
        watch.sweep((p, user) -> store.get(user), () -> 10_000_000L);
        long afterFirst = watch.pending.count;
        store.put("u2", "e2");
        watch.sweep((p, user) -> store.get(user), () -> 20_000_000L);

        // then u0, u1 and u3 settle in the first sweep (u3 lies within the HEADS read past unreflected u2),
        // u2 in the second; u4 still waits
        assertThat(afterFirst).as("pending after the first sweep").isEqualTo(2);
        assertThat(watch.pending.latencies).as("latencies in ns").containsExactly(10_000_000L, 9_000_000L, 7_000_000L,
                18_000_000L);
        assertThat(watch.pending.count).as("still pending").isEqualTo(1);
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
