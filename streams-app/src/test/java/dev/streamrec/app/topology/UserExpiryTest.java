package dev.streamrec.app.topology;

import static dev.streamrec.app.topology.TopologyFixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** Idle users are forgotten: every user-keyed store deletes them, with tombstones in the changelogs. */
class UserExpiryTest {

    private static final Duration MIN = Duration.ofMinutes(1);
    private static final List<String> USER_STORES = List.of(StreamrecTopology.HISTORY_STORE,
            StreamrecTopology.RECOMMENDATIONS_STORE);
    private static final List<String> LOGGED_USER_STORES = List.of(StreamrecTopology.HISTORY_STORE,
            StreamrecTopology.RECOMMENDATIONS_STORE);

    private static TopologySettings settings() {
        return TopologySettings.defaults().toBuilder().userIdleTtl(Duration.ofHours(1))
                .userTtlSweepInterval(Duration.ofSeconds(1)).userTtlSweepLimit(2).build();
    }

    @Test
    void shouldForgetUsersIdleLongerThanTheTtlInBoundedSweepsWithTombstones() {
        try (TopologyFixture f = new TopologyFixture(settings())) {
            // given five users active at minute 1 and one at hour 3 (stream time: 3h, so the five are idle)
            for (int u = 1; u <= 5; u++) {
                f.send("user-" + u, "item-" + u, EventType.VIEW, MIN);
            }
            f.send("user-6", "item-6", EventType.VIEW, Duration.ofHours(3));
            changelog(f, StreamrecTopology.HISTORY_STORE).readKeyValuesToList(); // drop the puts

            // when one sweep runs (at most 2 users read)
            f.driver.advanceWallClockTime(Duration.ofSeconds(1));

            // then at most two are gone so far
            long left = users(f).stream().filter(u -> !u.equals("user-6")).count();
            assertThat(left).as("a sweep reads at most ttl-sweep-limit users").isGreaterThanOrEqualTo(3);

            // when enough sweeps ran to go round
            for (int i = 0; i < 4; i++) {
                f.driver.advanceWallClockTime(Duration.ofSeconds(1));
            }

            // then only the active user is left, in every user store
            for (String store : USER_STORES) {
                KeyValueStore<String, Object> s = f.driver.getKeyValueStore(store);
                for (int u = 1; u <= 5; u++) {
                    assertThat(s.get("user-" + u)).as("%s of idle user-%d", store, u).isNull();
                }
                assertThat(s.get("user-6")).as("%s of the active user", store).isNotNull();
            }
            // and the deletes reached the changelogs as tombstones
            for (String store : LOGGED_USER_STORES) {
                Set<String> tombstones = changelog(f, store).readKeyValuesToList().stream()
                        .filter(kv -> kv.value == null).map(kv -> kv.key).collect(Collectors.toSet());
                assertThat(tombstones).as("tombstones in the %s changelog", store)
                        .containsExactlyInAnyOrder("user-1", "user-2", "user-3", "user-4", "user-5");
            }
        }
    }

    @Test
    void shouldMeasureIdlenessInStreamTimeNotWallClockTime() {
        try (TopologyFixture f = new TopologyFixture(settings())) {
            f.send("user-1", "item-1", EventType.VIEW, MIN);

            // a hundred days of wall clock pass without input: stream time stays, nobody is idle
            for (int i = 0; i < 5; i++) {
                f.driver.advanceWallClockTime(Duration.ofDays(20));
            }

            assertThat(f.history("user-1")).as("an imported or quiet user is kept").isNotNull();
        }
    }

    @Test
    void shouldStartAFreshHistoryForAUserWhoComesBackAfterExpiry() {
        try (TopologyFixture f = new TopologyFixture(settings())) {
            f.send("user-1", "item-1", EventType.VIEW, MIN);
            f.send("user-2", "item-2", EventType.VIEW, Duration.ofHours(3));
            for (int i = 0; i < 3; i++) {
                f.driver.advanceWallClockTime(Duration.ofSeconds(1));
            }
            assertThat(f.history("user-1")).isNull();

            f.send("user-1", "item-9", EventType.CLICK, Duration.ofHours(4));

            assertThat(f.history("user-1").events()).extracting(HistoryEvent::itemId).containsExactly("item-9");
        }
    }

    private static List<String> users(TopologyFixture f) {
        KeyValueStore<String, Object> s = f.driver.getKeyValueStore(StreamrecTopology.HISTORY_STORE);
        List<String> out = new java.util.ArrayList<>();
        try (var it = s.all()) {
            it.forEachRemaining(kv -> out.add(kv.key));
        }
        return out;
    }

    private static TestOutputTopic<String, byte[]> changelog(TopologyFixture f, String store) {
        return f.driver.createOutputTopic("streamrec-ttd-" + store + "-changelog", new StringDeserializer(),
                new ByteArrayDeserializer());
    }
}
