package dev.streamrec.app.topology;

import static dev.streamrec.app.topology.TopologyFixture.T0;
import static dev.streamrec.app.topology.TopologyFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import dev.streamrec.avro.internal.TrendingEntry;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.topics.DlqHeaders;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.SoftAssertions;

/** The topology's behaviours, each on the production topology in a TopologyTestDriver. */
class StreamrecTopologyTest {

    private static final Duration MIN = Duration.ofMinutes(1);

    // ---- validation and dead letters ----

    @Test
    void shouldSendUndecodableRecordToDeadLetterTopicWithOriginalBytesAndHeaders() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            // given bytes that are not Avro single-object encoding, with a header of the producer
            byte[] key = "user-1".getBytes(StandardCharsets.UTF_8);
            byte[] value = {1, 2, 3, 4, 5};
            Headers headers = new RecordHeaders().add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));

            // when
            f.sendRaw(key, value, headers);
            f.send("user-1", "item-1", EventType.VIEW, MIN); // the stream goes on

            // then
            TestRecord<byte[], byte[]> dead = f.dlq.readRecord();
            assertThat(dead.key()).as("original key").isEqualTo(key);
            assertThat(dead.value()).as("original value").isEqualTo(value);
            assertThat(header(dead.headers(), "trace-id")).as("original header kept").isEqualTo("t-1");
            assertDeadLetterHeaders(dead.headers(), RejectReason.UNDECODABLE, 0);
            assertThat(header(dead.headers(), DlqHeaders.DETAIL)).isEqualTo("NOT_SINGLE_OBJECT_ENCODED");
            assertThat(header(dead.headers(), DlqHeaders.STREAMS_EXCEPTION)).contains("RecordDecodingException");
            assertThat(dead.headers().lastHeader(DlqHeaders.STREAMS_STACKTRACE)).as("no stack trace for bad input").isNull();
            assertThat(f.dlq.isEmpty()).isTrue();
            assertThat(f.drainRecommendations()).as("the next valid event is processed").hasSize(1);
            assertThat(f.metrics.rejectedCount(RejectReason.UNDECODABLE)).isEqualTo(1);
        }
    }

    /** One invalid input: the reason it must be dead-lettered with, the record key and value (null: a tombstone). */
    private record Invalid(RejectReason reason, String key, UserEvent event) {
    }

    private static List<Invalid> invalidEvents() {
        UserEvent ok = UserEvent.newBuilder().setEventId("bad-1").setUserId("user-1").setItemId("item-1")
                .setType(EventType.VIEW).setTimestamp(T0.toEpochMilli()).setContext(Map.of()).build();
        return List.of(
                new Invalid(RejectReason.UNKNOWN_TYPE, "user-1", UserEvent.newBuilder(ok).setType(EventType.UNKNOWN).build()),
                new Invalid(RejectReason.EMPTY_ID, "user-1", UserEvent.newBuilder(ok).setItemId("").build()),
                new Invalid(RejectReason.EMPTY_ID, "user-1", UserEvent.newBuilder(ok).setEventId(" ").build()),
                new Invalid(RejectReason.EMPTY_ID, "", UserEvent.newBuilder(ok).setUserId("").build()),
                new Invalid(RejectReason.KEY_MISMATCH, "user-2", ok),
                new Invalid(RejectReason.FUTURE_TIMESTAMP, "user-1", UserEvent.newBuilder(ok)
                        .setTimestamp(T0.plus(Duration.ofDays(1)).plusSeconds(1).toEpochMilli()).build()),
                new Invalid(RejectReason.NEGATIVE_TIMESTAMP, "user-1", UserEvent.newBuilder(ok).setTimestamp(-5).build()),
                new Invalid(RejectReason.MISSING_VALUE, "user-1", null),
                // the input limits (defaults: ids 256 chars, context 32 entries, keys 64, values 1024)
                new Invalid(RejectReason.FIELD_TOO_LONG, "user-1", UserEvent.newBuilder(ok).setItemId("i".repeat(257)).build()),
                new Invalid(RejectReason.FIELD_TOO_LONG, "user-1", UserEvent.newBuilder(ok).setEventId("e".repeat(257)).build()),
                new Invalid(RejectReason.FIELD_TOO_LONG, "user-1", UserEvent.newBuilder(ok).setSessionId("s".repeat(257)).build()),
                new Invalid(RejectReason.FIELD_TOO_LONG, "u".repeat(257), UserEvent.newBuilder(ok).setUserId("u".repeat(257)).build()),
                new Invalid(RejectReason.FIELD_TOO_LONG, "u".repeat(300), ok),
                new Invalid(RejectReason.CONTEXT_TOO_LARGE, "user-1", UserEvent.newBuilder(ok).setContext(manyEntries(33)).build()),
                new Invalid(RejectReason.CONTEXT_TOO_LARGE, "user-1", UserEvent.newBuilder(ok)
                        .setContext(Map.of("k".repeat(65), "v")).build()),
                new Invalid(RejectReason.CONTEXT_TOO_LARGE, "user-1", UserEvent.newBuilder(ok)
                        .setContext(Map.of("page", "v".repeat(1025))).build()));
    }

    private static Map<String, String> manyEntries(int n) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            m.put("k" + i, "v");
        }
        return m;
    }

    @Test
    void shouldAcceptEventsAtTheLimits() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            String user = "u".repeat(256);
            f.send(UserEvent.newBuilder(f.event(user, "i".repeat(256), EventType.VIEW, MIN)).setSessionId("s".repeat(256))
                    .setContext(manyEntries(32)).build());
            assertThat(f.dlq.isEmpty()).isTrue();
            assertThat(f.drainRecommendations()).hasSize(1);
        }
    }

    @Test
    void shouldDeadLetterAnOversizedRecordBeforeDecodingItAndKeepGoing() {
        TopologySettings settings = TopologySettings.defaults().toBuilder()
                .limits(new InputLimits(1024, 1_000_000, 32, 64, 1024)).build();
        try (TopologyFixture f = new TopologyFixture(settings)) {
            // given a valid-looking event whose item id alone is 2 KB (allowed by the id limit here)
            UserEvent big = f.event("user-1", "i".repeat(2048), EventType.VIEW, MIN);

            // when
            f.send(big);
            f.send("user-1", "item-1", EventType.VIEW, MIN);

            // then it never reached the history or the item side, and the next event did
            TestRecord<byte[], byte[]> dead = f.dlq.readRecord();
            assertThat(dead.value()).isEqualTo(bytes(big));
            assertDeadLetterHeaders(dead.headers(), RejectReason.RECORD_TOO_LARGE, 0);
            assertThat(header(dead.headers(), DlqHeaders.DETAIL)).isEqualTo("RECORD_TOO_LARGE");
            assertThat(f.drainRecommendations()).extracting(Recommendations::getTriggerEventId).doesNotContain(big.getEventId())
                    .hasSize(1);
            assertThat(f.history("user-1").events()).extracting(HistoryEvent::itemId).containsExactly("item-1");
            assertThat(f.metrics.rejectedCount(RejectReason.RECORD_TOO_LARGE)).isEqualTo(1);
        }
    }

    // One plain test over every case rather than a @ParameterizedTest: Surefire's rerun of a failed
    // parameterized invocation (rerunFailingTestsCount) can pass without re-checking it (ConfigurationDocsTest).
    @Test
    void shouldDeadLetterEveryInvalidEventWithItsReason() {
        SoftAssertions.assertSoftly(soft -> {
            for (Invalid c : invalidEvents()) {
                soft.assertThatCode(() -> shouldDeadLetterInvalidEventWithItsReason(c.reason(), c.key(), c.event()))
                        .as("%s, key %s", c.reason(), c.key().length() > 20 ? c.key().substring(0, 20) + "…" : c.key())
                        .doesNotThrowAnyException();
            }
        });
    }

    private static void shouldDeadLetterInvalidEventWithItsReason(RejectReason reason, String key, UserEvent event) {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
            byte[] valueBytes = event == null ? null : bytes(event);

            f.sendRaw(keyBytes, valueBytes, new RecordHeaders());

            TestRecord<byte[], byte[]> dead = f.dlq.readRecord();
            assertThat(dead.key()).as("original key").isEqualTo(keyBytes);
            assertThat(dead.value()).as("original value bytes").isEqualTo(valueBytes);
            assertDeadLetterHeaders(dead.headers(), reason, 0);
            assertThat(header(dead.headers(), DlqHeaders.STREAMS_EXCEPTION)).isEqualTo(InvalidEventException.class.getName());
            assertThat(f.drainRecommendations()).as("no recommendation for an invalid event").isEmpty();
            assertThat(f.history(key)).as("no history for an invalid event").isNull();
            assertThat(f.metrics.rejectedCount(reason)).isEqualTo(1);
        }
    }

    @Test
    void shouldAcceptEventUpToTheFutureLimit() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            f.send("user-1", "item-1", EventType.VIEW, Duration.ofDays(1));
            assertThat(f.dlq.isEmpty()).isTrue();
            assertThat(f.drainRecommendations()).hasSize(1);
        }
    }

    @Test
    void shouldDeadLetterUnexpectedProcessingErrorWithStackTraceAndKeepGoing() {
        Ranker failing = request -> {
            if (request.userId().equals("user-bad")) {
                throw new IllegalStateException("ranker exploded");
            }
            return new HeuristicRanker().rank(request);
        };
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults(), failing)) {
            UserEvent bad = f.send("user-bad", "item-1", EventType.VIEW, MIN);
            f.send("user-good", "item-1", EventType.VIEW, MIN);

            TestRecord<byte[], byte[]> dead = f.dlq.readRecord();
            assertThat(dead.value()).isEqualTo(bytes(bad));
            assertDeadLetterHeaders(dead.headers(), RejectReason.PROCESSING_ERROR, 0);
            assertThat(header(dead.headers(), DlqHeaders.STREAMS_STACKTRACE)).contains("ranker exploded");
            assertThat(f.drainRecommendations()).extracting(Recommendations::getUserId).containsExactly("user-good");
        }
    }

    // ---- de-duplication and history ----

    @Test
    void shouldIgnoreDuplicateDeliveryOfAnEvent() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            UserEvent e = f.send("user-1", "item-1", EventType.VIEW, MIN);
            f.send(e);
            f.events.pipeInput(new TestRecord<>(e.getUserId(), e, T0.plus(Duration.ofHours(2)))); // redelivered later

            assertThat(f.drainRecommendations()).as("one output for the event").hasSize(1);
            assertThat(f.history("user-1").events()).as("the event once in the history")
                    .containsExactly(new HistoryEvent(e.getItemId(), e.getType(), e.getTimestamp()));
            assertThat(f.metrics.duplicates.get()).isEqualTo(2);
            assertThat(f.dlq.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldForgetEventIdsAfterRetention() {
        TopologySettings s = TopologySettings.defaults().toBuilder().dedupeRetention(Duration.ofHours(1)).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            UserEvent e = f.send("user-1", "item-1", EventType.VIEW, MIN);
            // stream time moves on well past the retention
            f.send("user-2", "item-2", EventType.VIEW, Duration.ofHours(5));
            f.events.pipeInput(new TestRecord<>(e.getUserId(), e, T0.plus(Duration.ofHours(5))));

            assertThat(f.drainRecommendations()).as("bounded retention: an old id is no longer known").hasSize(3);
        }
    }

    @Test
    void shouldKeepOnlyTheLastNEventsAndEveryPurchase() {
        TopologySettings s = TopologySettings.defaults().toBuilder().historySize(3).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            f.send("user-1", "item-0", EventType.PURCHASE, MIN);
            for (int i = 1; i <= 5; i++) {
                f.send("user-1", "item-" + i, EventType.VIEW, MIN.multipliedBy(i + 1));
            }

            assertThat(f.history("user-1").events()).extracting(HistoryEvent::itemId)
                    .containsExactly("item-3", "item-4", "item-5");
            assertThat(f.history("user-1").purchased()).as("purchases outlive the event cap").containsExactly("item-0");
        }
    }

    // ---- co-visitation ----

    @Test
    void shouldRelateItemsSeenWithinTheWindowWeightedByEventType() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            f.send("user-1", "item-a", EventType.VIEW, Duration.ZERO);
            f.send("user-1", "item-b", EventType.ADD_TO_CART, Duration.ZERO); // same time: no decay
            f.send("user-1", "item-c", EventType.VIEW, Duration.ofMinutes(31)); // a and b are 31 min earlier: outside
            f.publish();

            ItemNeighbours a = f.globalNeighbours("item-a");
            assertThat(a.getNeighbours()).extracting(NeighbourScore::getItemId).containsExactly("item-b");
            assertThat(a.getNeighbours().getFirst().getScore()).as("mean of VIEW 1 and ADD_TO_CART 4").isEqualTo(2.5);
            assertThat(f.globalNeighbours("item-b").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("item-a");
            assertThat(f.globalNeighbours("item-c")).as("no co-visit outside the window").isNull();
        }
    }

    @Test
    void shouldDecayOlderCoVisitsByTheHalfLife() {
        TopologySettings s = TopologySettings.defaults().toBuilder().covisitHalfLife(Duration.ofHours(1)).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            f.send("user-1", "item-a", EventType.VIEW, Duration.ZERO);
            f.send("user-1", "item-b", EventType.VIEW, Duration.ZERO);        // a-b: 1.0 at t=0
            f.send("user-2", "item-a", EventType.VIEW, Duration.ofHours(2));
            f.send("user-2", "item-c", EventType.VIEW, Duration.ofHours(2));  // a-c: 1.0 at t=2h
            f.publish();

            ItemNeighbours a = f.globalNeighbours("item-a");
            assertThat(a.getUpdatedAt()).isEqualTo(T0.plus(Duration.ofHours(2)).toEpochMilli());
            assertThat(a.getNeighbours()).extracting(NeighbourScore::getItemId).containsExactly("item-c", "item-b");
            assertThat(a.getNeighbours().get(1).getScore()).as("two half-lives later").isCloseTo(0.25,
                    org.assertj.core.data.Offset.offset(1e-9));

            // an event older than the list's time is decayed on arrival
            f.send("user-3", "item-a", EventType.VIEW, Duration.ofHours(1));
            f.send("user-3", "item-d", EventType.VIEW, Duration.ofHours(1));
            f.publish();
            NeighbourScore d = f.globalNeighbours("item-a").getNeighbours().stream()
                    .filter(n -> n.getItemId().equals("item-d")).findFirst().orElseThrow();
            assertThat(d.getScore()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void shouldPublishOnlyTheTopMNeighboursButTrackMore() {
        TopologySettings s = TopologySettings.defaults().toBuilder().covisitTopM(2).covisitTracked(3).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            // item-x co-visited with n1 (PURCHASE), n2 (ADD_TO_CART), n3 (CLICK), n4 (VIEW) by four users
            String[] items = {"n1", "n2", "n3", "n4"};
            EventType[] types = {EventType.PURCHASE, EventType.ADD_TO_CART, EventType.CLICK, EventType.VIEW};
            for (int i = 0; i < 4; i++) {
                f.send("user-" + i, "item-x", EventType.VIEW, Duration.ZERO);
                f.send("user-" + i, items[i], types[i], Duration.ZERO);
            }
            f.publish();

            assertThat(f.globalNeighbours("item-x").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("n1", "n2");
            assertThat(f.trackedNeighbours("item-x").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("n1", "n2", "n3");
        }
    }

    @Test
    void shouldRecommendCoVisitedItemsWithTheirReason() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            f.send("user-1", "item-a", EventType.VIEW, Duration.ZERO);
            f.send("user-1", "item-b", EventType.PURCHASE, Duration.ZERO);
            f.send("user-2", "item-a", EventType.VIEW, Duration.ZERO);
            f.send("user-2", "item-c", EventType.VIEW, Duration.ZERO);
            f.publish();
            f.drainRecommendations();

            UserEvent e = f.send("user-3", "item-a", EventType.VIEW, MIN);

            Recommendations r = f.recommendations.readValue();
            assertThat(r.getTriggerEventId()).isEqualTo(e.getEventId());
            assertThat(r.getModelVersion()).isEqualTo("heuristic");
            assertThat(r.getItems()).extracting(RecommendedItem::getItemId).startsWith("item-b", "item-c");
            assertThat(r.getItems()).filteredOn(i -> !i.getReason().equals("trending"))
                    .extracting(RecommendedItem::getReason).containsOnly("co-visited:item-a");
            assertThat(r.getItems().get(0).getScore()).isGreaterThan(r.getItems().get(1).getScore());
        }
    }

    @Test
    void shouldRankWithANewlyPublishedNeighbourListAtTheNextEvent() {
        TopologySettings s = TopologySettings.defaults().toBuilder().trendingWeight(0).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            // given item-a's published list holds item-b only, and a shopper's list for item-a was ranked with it
            f.send("user-1", "item-a", EventType.VIEW, Duration.ZERO);
            f.send("user-1", "item-b", EventType.VIEW, Duration.ZERO);
            f.publish();
            f.send("shopper", "item-a", EventType.VIEW, MIN);
            assertThat(f.drainRecommendations().getLast().getItems()).extracting(RecommendedItem::getItemId)
                    .containsExactly("item-b");

            // when item-c is co-visited with item-a and the new list is published
            f.send("user-2", "item-a", EventType.PURCHASE, MIN);
            f.send("user-2", "item-c", EventType.PURCHASE, MIN);
            f.publish();
            assertThat(f.globalNeighbours("item-a").getNeighbours()).extracting(n -> n.getItemId())
                    .contains("item-c");
            f.drainRecommendations();

            // then the shopper's next list is ranked with the new list (the cached one was invalidated)
            f.send("shopper", "item-a", EventType.VIEW, MIN.multipliedBy(2));
            assertThat(f.drainRecommendations().getLast().getItems()).extracting(RecommendedItem::getItemId)
                    .containsExactly("item-c", "item-b");

            // and the instance's caches report to the metrics: the shopper's next event reads item-a's list from the
            // heap (a read, no load)
            CacheStats lists = f.metrics.caches.get("neighbour-lists");
            long reads = lists.reads();
            long loads = lists.loads();
            f.send("shopper", "item-a", EventType.VIEW, MIN.multipliedBy(3));
            assertThat(lists.reads()).isGreaterThan(reads);
            assertThat(lists.loads()).isEqualTo(loads).isPositive();
            assertThat(lists.entries()).isPositive();
            assertThat(f.metrics.caches.get("catalog-items").reads()).isPositive();
        }
    }

    @Test
    void shouldPublishEveryChangedItemOfAPassSpreadOverPunctuationsAndAChangeAfterItInTheNext() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            // given 300 changed items (more than one slice's batch of 64), each co-visited with a hub
            for (int i = 0; i < 300; i++) {
                f.send("user-" + i, "hub", EventType.VIEW, Duration.ZERO);
                f.send("user-" + i, "item-" + i, EventType.VIEW, Duration.ZERO);
            }

            // when a pass starts and goes on at the next punctuations (50 ms apart, a few ms each)
            f.publish();
            for (int i = 0; i < 40; i++) {
                f.driver.advanceWallClockTime(Duration.ofMillis(50));
            }

            // then every changed item is published, and a change after the pass goes out with the next one
            for (int i = 0; i < 300; i++) {
                assertThat(f.globalNeighbours("item-" + i)).as("item-%d", i).isNotNull();
            }
            f.send("late", "item-7", EventType.PURCHASE, MIN);
            f.send("late", "item-late", EventType.PURCHASE, MIN);
            f.publish();
            assertThat(f.globalNeighbours("item-7").getNeighbours()).extracting(n -> n.getItemId()).contains("item-late");
        }
    }

    @Test
    void shouldNotRescanAnItemForAChangeBelowItsTopButRepublishWhenANeighbourClimbsIntoIt() {
        // tracked = top M: a scan would prune any third neighbour at once, so a kept one shows no scan ran
        TopologySettings s = TopologySettings.defaults().toBuilder().covisitTopM(2).covisitTracked(2).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            // given item-x published with n1 (PURCHASE) and n2 (ADD_TO_CART) as its top 2
            f.send("user-1", "item-x", EventType.PURCHASE, Duration.ZERO);
            f.send("user-1", "n1", EventType.PURCHASE, Duration.ZERO);
            f.send("user-2", "item-x", EventType.ADD_TO_CART, Duration.ZERO);
            f.send("user-2", "n2", EventType.ADD_TO_CART, Duration.ZERO);
            f.publish();
            assertThat(f.globalNeighbours("item-x").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("n1", "n2");
            f.neighbours.readKeyValuesToList();

            // when n3 is co-visited with item-x by VIEWs, below n2 (a pair outside the published top)
            f.send("user-3", "item-x", EventType.VIEW, MIN);
            f.send("user-3", "n3", EventType.VIEW, MIN);
            f.publish();

            // then item-x is neither scanned (n3's pair is not pruned yet) nor published again (n3's own list is new)
            assertThat(f.trackedNeighbours("item-x").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("n1", "n2", "n3");
            assertThat(f.neighbours.readKeyValuesToList()).extracting(kv -> kv.key).containsOnly("n3");

            // and when n3's score climbs above n2's, item-x is published with n3 in its top 2
            for (int i = 0; i < 3; i++) {
                f.send("user-" + (4 + i), "item-x", EventType.PURCHASE, MIN);
                f.send("user-" + (4 + i), "n3", EventType.PURCHASE, MIN);
            }
            f.publish();
            assertThat(f.globalNeighbours("item-x").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("n3", "n1");
        }
    }

    @Test
    void shouldPublishTheSameTopNeighboursAsAScanOfThePairsAfterManyRandomCoVisitsWithEitherPairStore() {
        Map<PairStore, Map<String, List<String>>> published = new java.util.EnumMap<>(PairStore.class);
        for (PairStore kind : PairStore.values()) {
            published.put(kind, publishedAfterRandomCoVisits(kind, CacheLimits.DEFAULTS.covisitTops()));
        }
        assertThat(published.get(PairStore.IN_MEMORY)).as("lists published with the pairs on the heap")
                .isEqualTo(published.get(PairStore.PERSISTENT));
        // the task holds the tops of 2 of the 25 items (streamrec.caches.covisit-tops): the others are forgotten and
        // rebuilt by a scan when next changed, and every published list still equals a scan of the item's pairs
        publishedAfterRandomCoVisits(PairStore.PERSISTENT, 2);
    }

    /** Each item's published top after random co-visits, checked against a scan of its pairs. */
    private static Map<String, List<String>> publishedAfterRandomCoVisits(PairStore kind, int topsHeld) {
        // top 3 of 6 tracked among 25 items, so neighbours keep entering and leaving the top; hours apart (decay)
        TopologySettings s = TopologySettings.defaults().toBuilder().covisitTopM(3).covisitTracked(6)
                .covisitHalfLife(Duration.ofHours(1)).covisitStore(kind)
                .caches(new CacheLimits(CacheLimits.DEFAULTS.neighbourLists(), CacheLimits.DEFAULTS.catalogItems(), topsHeld,
                        CacheLimits.DEFAULTS.recentlyShownUsers()))
                .build();
        EventType[] types = EventType.values();
        java.util.Random random = new java.util.Random(11);
        Map<String, List<String>> lists = new java.util.TreeMap<>();
        try (TopologyFixture f = new TopologyFixture(s)) {
            for (int i = 0; i < 1_500; i++) {
                EventType type = types[random.nextInt(types.length)];
                if (type == EventType.UNKNOWN) {
                    type = EventType.VIEW;
                }
                f.send("user-" + random.nextInt(40), "item-" + random.nextInt(25), type,
                        Duration.ofMinutes(i / 5 + random.nextInt(20)));
                if (i % 97 == 0) {
                    f.publish();
                }
            }
            f.publish();

            for (int i = 0; i < 25; i++) {
                String item = "item-" + i;
                List<String> scanned = f.trackedNeighbours(item).getNeighbours().stream().limit(3)
                        .map(NeighbourScore::getItemId).toList();
                ItemNeighbours published = f.globalNeighbours(item);
                assertThat(published).as("%s, %s, %d tops held", item, kind, topsHeld).isNotNull();
                assertThat(published.getNeighbours()).extracting(NeighbourScore::getItemId)
                        .as("%s, %s, %d tops held", item, kind, topsHeld)
                        .containsExactlyElementsOf(scanned);
                lists.put(item, scanned);
            }
        }
        return lists;
    }

    @Test
    void shouldKeepTheTrackedPairsBoundedThoughNewPairsRankBelowThePublishedTopWithEitherPairStore() {
        for (PairStore kind : PairStore.values()) {
            keepsTheTrackedPairsBounded(kind);
        }
    }

    private static void keepsTheTrackedPairsBounded(PairStore kind) {
        TopologySettings s = TopologySettings.defaults().toBuilder().covisitTopM(2).covisitTracked(5).covisitStore(kind).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            // given item-x published with two strong neighbours
            f.send("user-a", "item-x", EventType.PURCHASE, Duration.ZERO);
            f.send("user-a", "n1", EventType.PURCHASE, Duration.ZERO);
            f.send("user-b", "item-x", EventType.PURCHASE, Duration.ZERO);
            f.send("user-b", "n2", EventType.PURCHASE, Duration.ZERO);
            f.publish();

            // when it gains many weak neighbours, none of which reaches its top 2
            int most = 0;
            for (int i = 0; i < 40; i++) {
                f.send("weak-" + i, "item-x", EventType.VIEW, MIN);
                f.send("weak-" + i, "w" + i, EventType.VIEW, MIN);
                f.publish();
                most = Math.max(most, pairsOf(f, "item-x"));
            }

            // then a scan prunes them back to the tracked 5 once it has gained 5 new ones: never more than 2 x 5
            assertThat(most).as("most pairs item-x held, %s", kind).isBetween(6, 10);
            assertThat(f.globalNeighbours("item-x").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("n1", "n2");
        }
    }

    @Test
    void shouldPublishEveryItemOfARestoredPairStoreOnceSoThatAPublicationLostWithItsTransactionIsMadeGood() {
        for (PairStore kind : PairStore.values()) {
            publishesEveryRestoredItemOnce(kind);
        }
    }

    private static void publishesEveryRestoredItemOnce(PairStore kind) {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults().toBuilder().covisitStore(kind).build())) {
            // given a task whose pair store holds pairs of 150 items none of which it knows to be changed: what a
            // task restored from its changelog sees after a crash that lost the publications of committed changes
            // (the changed items are in memory only)
            KeyValueStore<Bytes, byte[]> pairs = f.driver.getKeyValueStore(StreamrecTopology.COVISIT_STORE);
            long at = T0.toEpochMilli();
            for (int i = 0; i < 150; i++) {
                pairs.put(CoVisitAggregator.pairKey("item-" + i, "hub"), CoVisitAggregator.pairValue(1.0 + i, at));
                pairs.put(CoVisitAggregator.pairKey("hub", "item-" + i), CoVisitAggregator.pairValue(1.0 + i, at));
            }

            // when the publication punctuations run (the restore pass spans several slices of 64 items)
            for (int i = 0; i < 20; i++) {
                f.driver.advanceWallClockTime(Duration.ofMillis(50));
            }

            // then every item of the store is published exactly once
            Map<String, Long> published = f.neighbours.readKeyValuesToList().stream()
                    .collect(java.util.stream.Collectors.groupingBy(kv -> kv.key, java.util.stream.Collectors.counting()));
            assertThat(published).as("lists published per item, %s", kind).hasSize(151).allSatisfy((item, n) -> assertThat(n)
                    .as(item).isEqualTo(1L));
            assertThat(f.globalNeighbours("item-149").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .containsExactly("hub");
            assertThat(f.globalNeighbours("hub").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .startsWith("item-149", "item-148");

            // and a change after the restore pass goes out with the next regular pass
            f.send("late", "item-3", EventType.PURCHASE, MIN);
            f.send("late", "item-late", EventType.PURCHASE, MIN);
            f.publish();
            assertThat(f.globalNeighbours("item-3").getNeighbours()).extracting(NeighbourScore::getItemId)
                    .contains("item-late");
        }
    }

    /** The pairs the item holds in the pair store. */
    private static int pairsOf(TopologyFixture f, String item) {
        KeyValueStore<Bytes, byte[]> pairs = f.driver.getKeyValueStore(StreamrecTopology.COVISIT_STORE);
        int n = 0;
        try (var it = pairs.prefixScan(Bytes.wrap(CoVisitAggregator.prefix(item)),
                new org.apache.kafka.common.serialization.BytesSerializer())) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    // ---- trending, exclusions, outputs ----

    @Test
    void shouldPublishTrendingItemsAndRecommendThemToEveryUser() {
        TopologySettings s = TopologySettings.defaults().toBuilder().trendingWindow(Duration.ofMinutes(10)).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            for (int i = 0; i < 3; i++) {
                f.send("user-" + i, "hot", EventType.VIEW, MIN.multipliedBy(i));
            }
            f.send("user-9", "warm", EventType.VIEW, MIN);
            f.publish();

            TrendingItems published = f.trending.readValue();
            assertThat(published.getItems()).extracting(TrendingEntry::getItemId, TrendingEntry::getCount)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("hot", 3L),
                            org.assertj.core.groups.Tuple.tuple("warm", 1L));
            f.drainRecommendations();

            f.send("newcomer", "other", EventType.VIEW, MIN.multipliedBy(3));
            Recommendations r = f.recommendations.readValue();
            assertThat(r.getItems()).extracting(RecommendedItem::getItemId).containsExactly("hot", "warm");
            assertThat(r.getItems()).extracting(RecommendedItem::getReason).containsOnly("trending");

            // the window moves on with stream time: old counts drop out
            f.send("user-9", "fresh", EventType.VIEW, Duration.ofMinutes(30));
            f.publish();
            assertThat(f.trending.readValuesToList().getLast().getItems()).extracting(TrendingEntry::getItemId)
                    .containsExactly("fresh");
        }
    }

    @Test
    void shouldNeverRecommendPurchasedOrOutOfStockItems() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            // a, b, c, d are related and all trending
            for (String u : List.of("u1", "u2")) {
                for (String item : List.of("a", "b", "c", "d")) {
                    f.send(u, item, EventType.VIEW, Duration.ZERO);
                }
            }
            f.catalog.pipeInput("d", Item.newBuilder().setItemId("d").setInStock(false).setAttributes(Map.of()).build(), T0);
            f.publish();
            f.drainRecommendations();

            f.send("buyer", "b", EventType.PURCHASE, MIN);
            f.send("buyer", "a", EventType.VIEW, MIN);

            List<Recommendations> out = f.drainRecommendations();
            assertThat(out.getLast().getItems()).extracting(RecommendedItem::getItemId)
                    .as("b purchased, d out of stock, a is being viewed").containsExactly("c");
        }
    }

    @Test
    void shouldCountAClickOnARecentlyRecommendedItemAsAnOnlineHit() {
        TopologySettings s = TopologySettings.defaults().toBuilder().qualityWindow(Duration.ofMinutes(30)).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            // a, b, c are related and trending, so a list for a viewer of a holds b and c
            for (String u : List.of("u1", "u2")) {
                for (String item : List.of("a", "b", "c")) {
                    f.send(u, item, EventType.VIEW, Duration.ZERO);
                }
            }
            f.publish();
            f.send("shopper", "a", EventType.VIEW, MIN);
            List<String> shown = f.drainRecommendations().getLast().getItems().stream().map(RecommendedItem::getItemId).toList();
            assertThat(shown).as("the list shown to the shopper").contains("b");

            f.send("shopper", "b", EventType.CLICK, MIN.plusMinutes(5));   // recommended 5 min ago: a hit
            f.send("shopper", "zzz", EventType.PURCHASE, MIN.plusMinutes(6)); // never recommended: a miss
            f.send("late", "a", EventType.VIEW, MIN);
            f.send("late", "b", EventType.CLICK, MIN.plusMinutes(31));      // seen b in its list 31 min ago: too late

            assertThat(f.metrics.interactions.get()).as("clicks and purchases").isEqualTo(3);
            assertThat(f.metrics.hits.get()).as("only the click within the window on a recommended item").isEqualTo(1);
        }
    }

    @Test
    void shouldCountTheUsersTheHitRateForgotPastItsLimitAndMissTheirHits() {
        // one user remembered per task (the fixture's topology has one user-side task)
        TopologySettings s = TopologySettings.defaults().toBuilder().caches(new CacheLimits(
                CacheLimits.DEFAULTS.neighbourLists(), CacheLimits.DEFAULTS.catalogItems(),
                CacheLimits.DEFAULTS.covisitTops(), 1)).build();
        try (TopologyFixture f = new TopologyFixture(s)) {
            for (String u : List.of("u1", "u2")) {
                for (String item : List.of("a", "b", "c")) {
                    f.send(u, item, EventType.VIEW, Duration.ZERO);
                }
            }
            f.publish();
            f.send("first", "a", EventType.VIEW, MIN);   // shown b and c
            f.send("second", "a", EventType.VIEW, MIN);  // shown b and c: "first" is dropped, and counted
            long dropped = f.metrics.recentlyShownDropped.get();
            assertThat(dropped).isGreaterThanOrEqualTo(1);

            f.send("second", "b", EventType.CLICK, MIN.plusMinutes(1)); // still remembered: a hit
            f.send("first", "b", EventType.CLICK, MIN.plusMinutes(1));  // forgotten: a miss
            assertThat(f.metrics.interactions.get()).isEqualTo(2);
            assertThat(f.metrics.hits.get()).as("the dropped user's click is missed").isEqualTo(1);
        }
    }

    @Test
    void shouldProduceExactlyOneRecommendationsRecordPerValidEvent() {
        try (TopologyFixture f = new TopologyFixture(TopologySettings.defaults())) {
            List<String> valid = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                UserEvent e = f.send("user-" + (i % 7), "item-" + (i % 11), EventType.values()[1 + i % 4], MIN.multipliedBy(i));
                valid.add(e.getEventId());
                if (i % 10 == 0) {
                    f.send(e);                                                        // duplicate
                    f.sendRaw("x".getBytes(StandardCharsets.UTF_8), new byte[] {9}, new RecordHeaders()); // garbage
                    f.send(UserEvent.newBuilder(e).setEventId("bad-" + i).setType(EventType.UNKNOWN).build());
                }
                if (i % 20 == 0) {
                    f.publish();
                }
            }

            List<Recommendations> out = f.drainRecommendations();
            assertThat(out).extracting(Recommendations::getTriggerEventId).containsExactlyElementsOf(valid);
            assertThat(out).allSatisfy(r -> assertThat(r.getItems()).hasSizeLessThanOrEqualTo(10));
            assertThat(f.dlq.readRecordsToList()).hasSize(12);
            assertThat(f.metrics.recommendations.get()).isEqualTo(60);
        }
    }

    private static void assertDeadLetterHeaders(Headers headers, RejectReason reason, long offset) {
        assertThat(header(headers, DlqHeaders.REASON)).as("reason").isEqualTo(reason.name());
        assertThat(header(headers, DlqHeaders.STREAMS_TOPIC)).as("source topic").isEqualTo("user-events");
        assertThat(header(headers, DlqHeaders.STREAMS_PARTITION)).as("source partition").isEqualTo("0");
        assertThat(header(headers, DlqHeaders.STREAMS_OFFSET)).as("source offset").isEqualTo(String.valueOf(offset));
        assertThat(header(headers, DlqHeaders.STREAMS_EXCEPTION)).as("error class").isNotBlank();
        assertThat(header(headers, DlqHeaders.STREAMS_MESSAGE)).as("message").isNotBlank();
        assertThat(header(headers, DlqHeaders.TIME)).as("time").matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
