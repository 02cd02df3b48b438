package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserDeletion;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.RecommendedItem;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** A user-deletions record erases the user's stores and buffered events in the recommend step. */
class UserErasureTest {

    private static final Duration MIN = Duration.ofMinutes(1);

    @Test
    void shouldEraseHistoryLatestAndRecentListsAndStartAFreshHistoryAfterwards() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            // given a user with a history and a list
            f.send("user-1", "item-1", EventType.VIEW, MIN);
            f.send("user-1", "item-2", EventType.PURCHASE, MIN.multipliedBy(2));
            f.send("user-2", "item-1", EventType.VIEW, MIN.multipliedBy(3));
            f.recommendations.readRecordsToList();
            assertThat(f.history("user-1").size()).isEqualTo(2);

            // when the user is erased
            erase(f, "user-1", MIN.multipliedBy(4));

            // then every user store forgets the user, the other user stays, and the topic gets a tombstone
            assertThat(f.history("user-1")).as("history").isNull();
            assertThat(latest(f).get("user-1")).as("latest list").isNull();
            assertThat(f.history("user-2")).as("other user's history").isNotNull();
            var out = f.recommendations.readRecordsToList();
            assertThat(out).hasSize(1);
            assertThat(out.getFirst().key()).isEqualTo("user-1");
            assertThat(out.getFirst().value()).as("tombstone on the recommendations topic").isNull();
            assertThat(f.metrics.erased.get()).isEqualTo(1);

            // and the user's next event starts from scratch: the earlier purchase is no longer excluded
            f.send("user-1", "item-3", EventType.VIEW, MIN.multipliedBy(5));
            assertThat(f.history("user-1").size()).isEqualTo(1);
            assertThat(f.history("user-1").purchased()).isEmpty();
        }
    }

    @Test
    void shouldForgetWhatWasShownToTheErasedUserSoALaterClickIsNoHit() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            // given a, b, c related, and lists holding b shown to two shoppers
            for (String u : List.of("u1", "u2")) {
                for (String item : List.of("a", "b", "c")) {
                    f.send(u, item, EventType.VIEW, Duration.ZERO);
                }
            }
            f.publish();
            for (String shopper : List.of("kept", "erased")) {
                f.send(shopper, "a", EventType.VIEW, MIN);
                assertThat(f.drainRecommendations().getLast().getItems()).extracting(RecommendedItem::getItemId).contains("b");
            }

            // when one of them is erased, and both click b
            erase(f, "erased", MIN.multipliedBy(2));
            f.send("kept", "b", EventType.CLICK, MIN.multipliedBy(3));
            f.send("erased", "b", EventType.CLICK, MIN.multipliedBy(3));

            // then only the kept shopper's click is a hit: the erased one's lists are forgotten too
            assertThat(f.metrics.interactions.get()).isEqualTo(2);
            assertThat(f.metrics.hits.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldDropTheErasedUsersBufferedEventsAndRankTheOthers() {
        MicroBatchingTest.CountingRanker ranker = new MicroBatchingTest.CountingRanker();
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), ranker,
                new MicroBatching(3, Duration.ofSeconds(5)))) {
            // given two events buffered, one of the user to erase
            UserEvent doomed = f.send("user-1", "item-1", EventType.VIEW, MIN);
            UserEvent kept = f.send("user-2", "item-2", EventType.VIEW, MIN.multipliedBy(2));
            assertThat(buffer(f).approximateNumEntries()).isEqualTo(2);

            // when the user is erased and the batch is flushed by its wait
            erase(f, "user-1", MIN.multipliedBy(3));
            f.driver.advanceWallClockTime(Duration.ofSeconds(6));

            // then only the other user's event was ranked; the erased one's never produced a list
            List<Recommendations> out = f.recommendations.readValuesToList();
            assertThat(out).filteredOn(r -> r != null).extracting(Recommendations::getTriggerEventId)
                    .containsExactly(kept.getEventId()).doesNotContain(doomed.getEventId());
            assertThat(ranker.batches).containsExactly(1);
            assertThat(latest(f).get("user-1")).isNull();
            try (var it = buffer(f).all()) {
                assertThat(it.hasNext()).as("buffer empty").isFalse();
            }
        }
    }

    private static void erase(TopologyFixture f, String user, Duration offset) {
        TestInputTopic<String, UserDeletion> deletions = f.driver.createInputTopic(
                TopologyFixture.TOPICS.userDeletions().name(), TopologyFixture.TOPICS.userDeletions().keySerde().serializer(),
                TopologyFixture.TOPICS.userDeletions().valueSerde().serializer());
        Instant at = TopologyFixture.T0.plus(offset);
        deletions.pipeInput(new TestRecord<>(user, new UserDeletion(user, at.toEpochMilli(), "default"), at));
    }

    private static KeyValueStore<String, Recommendations> latest(TopologyFixture f) {
        return f.driver.getKeyValueStore(StreamrecTopology.RECOMMENDATIONS_STORE);
    }


    private static KeyValueStore<Long, PendingScore> buffer(TopologyFixture f) {
        return f.driver.getKeyValueStore(StreamrecTopology.SCORING_BUFFER_STORE);
    }
}
