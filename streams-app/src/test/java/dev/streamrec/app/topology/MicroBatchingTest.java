package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The recommend step with micro-batching on: flush when full, flush on the wall-clock wait, one ranker call per batch. */
class MicroBatchingTest {

    private static final Duration MIN = Duration.ofMinutes(1);

    /** Heuristic ranking that records the size of every batch it is given. */
    static final class CountingRanker implements Ranker {
        final List<Integer> batches = new CopyOnWriteArrayList<>();
        private final HeuristicRanker heuristic = new HeuristicRanker();

        @Override
        public Ranking rank(RankingRequest request) {
            batches.add(1);
            return heuristic.rank(request);
        }

        @Override
        public List<Ranking> rankAll(List<RankingRequest> requests) {
            batches.add(requests.size());
            return requests.stream().map(heuristic::rank).toList();
        }
    }

    @Test
    void shouldRankAFullBatchInOneCallAndEmitInArrivalOrder() {
        CountingRanker ranker = new CountingRanker();
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), ranker,
                new MicroBatching(3, Duration.ofSeconds(5)))) {
            // given two events buffered
            UserEvent a = f.send("user-1", "item-1", EventType.VIEW, MIN);
            UserEvent b = f.send("user-2", "item-2", EventType.VIEW, MIN.multipliedBy(2));
            assertThat(f.drainRecommendations()).as("nothing before the batch is full").isEmpty();
            assertThat(buffer(f).approximateNumEntries()).isEqualTo(2);

            // when the third arrives
            UserEvent c = f.send("user-1", "item-3", EventType.CLICK, MIN.multipliedBy(3));

            // then all three are ranked in one call and emitted in order, and the buffer is empty
            assertThat(f.drainRecommendations()).extracting(Recommendations::getTriggerEventId)
                    .containsExactly(a.getEventId(), b.getEventId(), c.getEventId());
            assertThat(ranker.batches).containsExactly(3);
            assertThat(countEntries(buffer(f))).isZero();
        }
    }

    @Test
    void shouldFlushAPartialBatchOnceTheOldestEventWaitedMaxWait() {
        CountingRanker ranker = new CountingRanker();
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), ranker,
                new MicroBatching(64, Duration.ofMillis(200)))) {
            UserEvent a = f.send("user-1", "item-1", EventType.VIEW, MIN);
            f.driver.advanceWallClockTime(Duration.ofMillis(100));
            assertThat(f.drainRecommendations()).as("still waiting").isEmpty();

            f.driver.advanceWallClockTime(Duration.ofMillis(150));

            List<Recommendations> out = f.drainRecommendations();
            assertThat(out).extracting(Recommendations::getTriggerEventId).containsExactly(a.getEventId());
            assertThat(out.getFirst().getModelVersion()).isEqualTo(HeuristicRanker.VERSION);
            assertThat(ranker.batches).containsExactly(1);
            assertThat(f.metrics.recommendations.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldRankEachBufferedEventWithTheHistoryItHadAndNeverItsOwnItem() {
        Ranker capturing = new CountingRanker();
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), capturing,
                new MicroBatching(2, Duration.ofSeconds(5)))) {
            // given a co-visitation graph where item-1 and item-2 are neighbours
            f.send("user-0", "item-1", EventType.VIEW, MIN);
            f.send("user-0", "item-2", EventType.VIEW, MIN.multipliedBy(2));
            f.publish();
            f.drainRecommendations();

            // when one user's two events share a batch
            f.send("user-9", "item-1", EventType.VIEW, MIN.multipliedBy(3));
            f.send("user-9", "item-2", EventType.PURCHASE, MIN.multipliedBy(4));

            // then the first list holds item-2 (not bought yet at that event) but not its own item-1,
            // and the second, ranked in the same call, no longer holds the purchased item-2
            List<Recommendations> out = f.drainRecommendations();
            assertThat(out).hasSize(2);
            assertThat(out.get(0).getItems()).extracting(i -> i.getItemId()).contains("item-2").doesNotContain("item-1");
            assertThat(out.get(1).getItems()).extracting(i -> i.getItemId()).doesNotContain("item-2");
        }
    }

    @Test
    void shouldRankOnArrivalWithoutTheBufferWhenTheRankerHasNothingToBatch() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), new HeuristicRanker(),
                new MicroBatching(64, Duration.ofSeconds(5)))) {
            UserEvent a = f.send("user-1", "item-1", EventType.VIEW, MIN);
            UserEvent b = f.send("user-2", "item-2", EventType.VIEW, MIN.multipliedBy(2));

            assertThat(f.drainRecommendations()).as("no wait for a batch").extracting(Recommendations::getTriggerEventId)
                    .containsExactly(a.getEventId(), b.getEventId());
            assertThat(bufferChangelog(f).isEmpty()).as("no buffer round trip: nothing in its changelog").isTrue();
        }
    }

    @Test
    void shouldFlushWhatIsBufferedBeforeRankingOnArrivalOnceTheRankerStopsBatching() {
        ToggleRanker ranker = new ToggleRanker();
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), ranker,
                new MicroBatching(64, Duration.ofSeconds(5)))) {
            // given two events buffered while a model serves
            UserEvent a = f.send("user-1", "item-1", EventType.VIEW, MIN);
            UserEvent b = f.send("user-2", "item-2", EventType.VIEW, MIN.multipliedBy(2));
            assertThat(f.drainRecommendations()).isEmpty();

            // when the model goes away and an event arrives
            ranker.batching = false;
            UserEvent c = f.send("user-1", "item-3", EventType.VIEW, MIN.multipliedBy(3));

            // then the buffered ones come out first, in order, and the buffer is empty
            assertThat(f.drainRecommendations()).extracting(Recommendations::getTriggerEventId)
                    .containsExactly(a.getEventId(), b.getEventId(), c.getEventId());
            assertThat(countEntries(buffer(f))).isZero();
        }
    }

    @Test
    void shouldBufferAReferenceToTheEventNotTheUsersHistory() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), new CountingRanker(),
                new MicroBatching(1_000, Duration.ofSeconds(5)))) {
            // given a user with a full history of 50 events, all buffered
            for (int i = 0; i < 60; i++) {
                f.send(f.event("user-1", "item-" + (i % 7), EventType.CLICK, MIN.multipliedBy(i)));
            }

            // then each buffer entry stays small however long the history
            var entries = bufferChangelog(f).readValuesToList();
            assertThat(entries).hasSize(60);
            assertThat(entries).allSatisfy(v -> assertThat(v.length).as("bytes of one buffer entry").isLessThan(120));
        }
    }

    @Test
    void shouldWriteNoBufferRecordForAnEventRankedBeforeTheNextCommit() {
        // The driver commits after every input record: an event still waiting then is written to the
        // changelog (put, and its tombstone once ranked); one ranked within its own record is not.
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), new CountingRanker(),
                new MicroBatching(2, Duration.ofSeconds(5)))) {
            // given an event waiting across a commit
            f.send("user-1", "item-1", EventType.VIEW, MIN);

            // when a second event fills the batch
            f.send("user-2", "item-2", EventType.VIEW, MIN.multipliedBy(2));

            // then both lists are out, and the changelog holds the first entry's put and tombstone only
            assertThat(f.drainRecommendations()).hasSize(2);
            var changelog = bufferChangelog(f).readRecordsToList();
            assertThat(changelog).extracting(r -> r.key()).as("sequence numbers written").containsExactly(0L, 0L);
            assertThat(changelog.get(0).value()).as("the put").isNotNull();
            assertThat(changelog.get(1).value()).as("the tombstone").isNull();
            assertThat(countEntries(buffer(f))).isZero();
        }
    }

    @Test
    void shouldKeepBufferWritesForTheCommitEvenWhenTheThreadCacheEvictsAtOnce() {
        // A record cache of 0 bytes evicts every cached write at once, as a cache filled by the item-side
        // stores does at steady state (with Kafka's cache in front of the buffer, nearly every buffered
        // event then cost its put and its tombstone). The buffer's own front is not that cache.
        Properties extra = new Properties();
        extra.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), new CountingRanker(),
                new MicroBatching(2, Duration.ofSeconds(5)), extra)) {
            // given an event waiting across a commit (the driver commits after every record)
            f.send("user-1", "item-1", EventType.VIEW, MIN);

            // when a second event fills the batch within its own record
            f.send("user-2", "item-2", EventType.VIEW, MIN.multipliedBy(2));

            // then only the first entry reached the changelog (its put and its tombstone)
            assertThat(f.drainRecommendations()).hasSize(2);
            var changelog = bufferChangelog(f).readRecordsToList();
            assertThat(changelog).extracting(r -> r.key()).as("sequence numbers written").containsExactly(0L, 0L);
            assertThat(changelog.get(1).value()).as("the tombstone").isNull();
            assertThat(countEntries(buffer(f))).isZero();
        }
    }

    /** Batches while {@code batching} is set, like a model ranker while a model serves. */
    static final class ToggleRanker implements Ranker {
        volatile boolean batching = true;
        private final HeuristicRanker heuristic = new HeuristicRanker();

        @Override
        public boolean batches() {
            return batching;
        }

        @Override
        public Ranking rank(RankingRequest request) {
            return heuristic.rank(request);
        }
    }

    private static org.apache.kafka.streams.TestOutputTopic<Long, byte[]> bufferChangelog(TopologyFixture f) {
        return f.driver.createOutputTopic("streamrec-ttd-" + StreamrecTopology.SCORING_BUFFER_STORE + "-changelog",
                new org.apache.kafka.common.serialization.LongDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    private static KeyValueStore<Long, PendingScore> buffer(TopologyFixture f) {
        return f.driver.getKeyValueStore(StreamrecTopology.SCORING_BUFFER_STORE);
    }

    private static long countEntries(KeyValueStore<Long, PendingScore> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
