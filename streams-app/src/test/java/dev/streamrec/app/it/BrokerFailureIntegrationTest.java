package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.broker.EmbeddedKafkaCluster;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Broker loss under exactly-once, with events arriving all along: on a three-broker cluster
 * (replication 3, min.insync.replicas 2) the broker leading the input's first partition is stopped
 * and restarted, then every broker is gone for 30 s. The app keeps (or goes back to) RUNNING on its
 * own, without a restart, and in the end every event has exactly one list.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class BrokerFailureIntegrationTest {

    static final int RATE = 50;
    static final Duration ONE_BROKER_DOWN = Duration.ofSeconds(10);
    static final Duration ALL_BROKERS_DOWN = Duration.ofSeconds(30);
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

    @Test
    void shouldNeitherLoseNorDoubleAListWhenBrokersStopAndComeBack() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.startTemporary(3)) {
            TestApp app = new TestApp(cluster.bootstrapServers(), Map.of(
                    "streamrec.topics.default-replication-factor", 3,
                    "kafka.streams.default.replication.factor", 3));
            List<UserEvent> events = SwapWorkload.events(40_000, 17L);
            app.start();
            KafkaStreams streams = app.streams();
            try (StateLog states = new StateLog(() -> streams);
                 OutputWatch out = new OutputWatch(cluster.bootstrapServers(), app.topic("recommendations"));
                 EventFeed feed = new EventFeed(cluster.bootstrapServers(), app.topic("user-events"), events, RATE)) {
                long origin = System.currentTimeMillis();
                out.await(s -> s.size() >= 2 * RATE, Duration.ofSeconds(60), "two seconds of lists");
                // caught up before anything breaks, so that a late list is the fault's doing, not a backlog's
                out.awaitLists(ids(events, feed.sent()), Duration.ofSeconds(60), "the app to catch up");
                long worstBefore = worstLatency(events, feed, out, origin, System.currentTimeMillis());

                // when the leader of the input's first partition stops for a while and comes back
                int leader = cluster.leaderOf(new TopicPartition(app.topic("user-events"), 0));
                int leaderOfSecond = cluster.leaderOf(new TopicPartition(app.topic("user-events"), 1));
                long stopAt = System.currentTimeMillis();
                cluster.stopNode(leader);
                Thread.sleep(ONE_BROKER_DOWN.toMillis()); // the outage itself
                cluster.startNode(leader);
                long restartedAt = System.currentTimeMillis();
                List<String> sentSoFar = ids(events, feed.sent());
                out.awaitLists(sentSoFar, RECOVERY_BOUND.plusSeconds(30), "lists of every event sent up to the broker's restart");
                long worstLatencyOne = worstLatency(events, feed, out, stopAt, restartedAt);
                long stalledOne = out.longestGapMillis(stopAt, System.currentTimeMillis());
                long outOfRunningOne = states.longestOutOfRunningMillis(stopAt, System.currentTimeMillis());

                System.out.printf("broker-failure: broker %d stopped at %+.1fs, restarted at %+.1fs; lists per 2 s: %s%n",
                        leader, (stopAt - origin) / 1000.0, (restartedAt - origin) / 1000.0, out.timeline(origin, 2000));
                // then the app went on: the output never stood still longer than the recovery bound (how
                // late each list is depends as much on the backlog a slow machine builds up)
                assertThat(stalledOne).as("longest stretch without a new list after broker %d stopped", leader)
                        .isLessThan(RECOVERY_BOUND.toMillis());
                assertThat(outOfRunningOne).as("longest time out of RUNNING around the broker stop")
                        .isLessThan(RECOVERY_BOUND.toMillis());

                // when every broker is gone for 30 s (the controller stays) and then back
                long allDownAt = System.currentTimeMillis();
                cluster.stopAll();
                Thread.sleep(ALL_BROKERS_DOWN.toMillis());
                long allUpStart = System.currentTimeMillis();
                cluster.startAll();
                long allUpAt = System.currentTimeMillis();
                int sentBeforeUp = feed.sent();
                out.awaitLists(ids(events, sentBeforeUp), Duration.ofSeconds(120), "lists of every event sent during the outage");
                long caughtUpAt = System.currentTimeMillis();
                long firstListAfterUp = out.seen().stream().filter(s -> s.atMillis() >= allUpAt)
                        .mapToLong(OutputWatch.Seen::atMillis).min().orElse(caughtUpAt) - allUpAt;

                // then it resumed by itself: the same Kafka Streams client, RUNNING
                TestApp.await("RUNNING after the outage", Duration.ofSeconds(60),
                        () -> streams.state() == KafkaStreams.State.RUNNING);
                assertThat(app.streams()).as("the same client, not a restarted one").isSameAs(streams);

                // and in the end every event sent has exactly one list, nothing else
                List<UserEvent> sent = feed.stop();
                assertThat(feed.failures()).as("events the test's producer gave up on").isEmpty();
                out.awaitLists(ids(sent, sent.size()), Duration.ofSeconds(60), "every list");
                out.settle(Duration.ofSeconds(3));
                SwapWorkload.verify(out.records(), sent, List.of("heuristic"));

                System.out.printf("broker-failure: %d events at %d/s; broker %d (leader of %s-0; leader of -1: %d) down %d s:"
                                + " output stood still at most %d ms, worst list latency %d ms (before: %d ms), longest out of RUNNING %d ms;"
                                + " all brokers down %d s (restart took %d ms): first list %d ms after they were up,"
                                + " caught up %d ms after; states: %s%n",
                        sent.size(), RATE, leader, app.topic("user-events"), leaderOfSecond, ONE_BROKER_DOWN.toSeconds(),
                        stalledOne, worstLatencyOne, worstBefore, outOfRunningOne, ALL_BROKERS_DOWN.toSeconds(), allUpAt - allUpStart,
                        firstListAfterUp, caughtUpAt - allUpAt, states.describe(origin));
                System.out.printf("broker-failure: all-down window from %+.1fs%n", (allDownAt - origin) / 1000.0);
            } finally {
                app.stop();
            }
        }
    }

    private static List<String> ids(List<UserEvent> events, int count) {
        return events.subList(0, count).stream().map(UserEvent::getEventId).toList();
    }

    /** The longest send-to-visible-list time of the events sent between {@code from} and {@code to}. */
    private static long worstLatency(List<UserEvent> events, EventFeed feed, OutputWatch out, long from, long to) {
        long worst = 0;
        for (UserEvent e : events.subList(0, feed.sent())) {
            Long sentAt = feed.sentAt(e.getEventId());
            Long seenAt = out.seenAt(e.getEventId());
            if (sentAt != null && seenAt != null && sentAt >= from && sentAt <= to) {
                worst = Math.max(worst, seenAt - sentAt);
            }
        }
        return worst;
    }
}
