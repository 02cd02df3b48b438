package dev.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    void shouldReadOnlyTheOldestPendingEventOfEachPartitionOnAPlainSweep() {
        // given 1,000 pending events of distinct users on each of two partitions, none reflected yet
        LatencyProbe.ServedWatch watch = new LatencyProbe.ServedWatch();
        for (int i = 0; i < 1000; i++) {
            watch.add(new LatencyProbe.Sent("a" + i, "ea" + i, i), 0);
            watch.add(new LatencyProbe.Sent("b" + i, "eb" + i, i), 1);
        }
        List<String> reads = new ArrayList<>();
        LatencyProbe.TriggerReader empty = (partition, user) -> {
            reads.add(partition + ":" + user);
            return null;
        };

        // when a deep sweep runs against an empty store, then a plain one
        watch.sweep(empty, () -> 0);
        List<String> deep = List.copyOf(reads);
        reads.clear();
        watch.sweep(empty, () -> 0);

        // then the deep sweep read the oldest DEEP users of each partition, the plain one the oldest user only
        assertThat(deep).as("store reads of the deep sweep").hasSize(2 * LatencyProbe.ServedWatch.DEEP)
                .startsWith("0:a0", "0:a1").contains("1:b0", "1:b" + (LatencyProbe.ServedWatch.DEEP - 1));
        assertThat(reads).as("store reads of a plain sweep").containsExactly("0:a0", "1:b0");
        assertThat(watch.pending.count).isEqualTo(2000);
    }

    @Test
    void shouldWalkOnWhileTheStoreReflectsAndCatchOutOfOrderListsOnADeepSweep() {
        // given five events of one partition: users u0..u4; the store reflects u0, u1 and u3 (ahead of u2)
        LatencyProbe.ServedWatch watch = new LatencyProbe.ServedWatch();
        for (int i = 0; i < 5; i++) {
            watch.add(new LatencyProbe.Sent("u" + i, "e" + i, i * 1_000_000L), 0);
        }
        Map<String, String> store = new HashMap<>(Map.of("u0", "e0", "u1", "e1", "u3", "e3"));
        LatencyProbe.TriggerReader reader = (p, user) -> store.get(user);

        // when a deep sweep (the first) runs at 10 ms, then u2's list lands and a plain sweep runs at 20 ms
        watch.sweep(reader, () -> 10_000_000L);
        long afterFirst = watch.pending.count;
        store.put("u2", "e2");
        watch.sweep(reader, () -> 20_000_000L);

        // then u0, u1 and u3 settle in the first sweep (u3 read past unreflected u2), u2 in the second
        assertThat(afterFirst).as("pending after the first sweep").isEqualTo(2);
        assertThat(watch.pending.latencies).as("latencies in ns").containsExactly(10_000_000L, 9_000_000L, 7_000_000L,
                18_000_000L);
        assertThat(watch.pending.count).as("u4 still pending").isEqualTo(1);
    }

    @Test
    void shouldSettleInOrderOnPlainSweepsAsTheListsLand() {
        // given three events of one partition, after the first (deep) sweep found nothing
        LatencyProbe.ServedWatch watch = new LatencyProbe.ServedWatch();
        for (int i = 0; i < 3; i++) {
            watch.add(new LatencyProbe.Sent("u" + i, "e" + i, 0), 0);
        }
        Map<String, String> store = new HashMap<>();
        watch.sweep((p, user) -> store.get(user), () -> 1);

        // when all three lists land, then one plain sweep runs
        store.putAll(Map.of("u0", "e0", "u1", "e1", "u2", "e2"));
        watch.sweep((p, user) -> store.get(user), () -> 5);

        // then it walked on from the oldest and settled all three
        assertThat(watch.pending.count).as("pending").isZero();
        assertThat(watch.pending.latencies).containsExactly(5L, 5L, 5L);
    }

    @Test
    void shouldTakeNearestRankPercentilesInMilliseconds() {
        List<Long> nanos = new ArrayList<>();
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
    void shouldSplitCommitsIntoTheProducersStepsPerCommit() {
        // given two readings 4 commits apart, the producers' totals in ns
        Map<String, Double> before = Map.of("commit-total", 10.0, "flush-time-ns-total", 1e6,
                "txn-send-offsets-time-ns-total", 0.0, "txn-commit-time-ns-total", 2e6);
        Map<String, Double> after = Map.of("commit-total", 14.0, "flush-time-ns-total", 41e6,
                "txn-send-offsets-time-ns-total", 8e6, "txn-commit-time-ns-total", 6e6);

        Map<String, Double> parts = LatencyProbe.perCommit(before, after);

        assertThat(parts).containsEntry("commits", 4.0).containsEntry("flush_ms_per_commit", 10.0)
                .containsEntry("txn_send_offsets_ms_per_commit", 2.0).containsEntry("txn_commit_ms_per_commit", 1.0);
        assertThat(LatencyProbe.perCommit(before, before).get("flush_ms_per_commit")).as("no commit").isNaN();
    }

    @Test
    void shouldReportNoFigureWithoutSamples() {
        LatencyProbe.Latency l = LatencyProbe.Latency.of(List.of(), 5);

        assertThat(l.p99()).as("p99 without samples").isNaN();
        assertThat(l.unresolved()).isEqualTo(5);
    }
}
