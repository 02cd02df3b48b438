package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code streamrec.covisit.store: in-memory} on a real broker: the pair store lives on the heap only, so a
 * restarted app must rebuild it from its changelog; the co-visits counted before the restart still rank
 * an item's neighbours after it.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HeapPairStoreIntegrationTest {

    private int sequence;

    @Test
    void shouldRebuildTheHeapPairStoreFromItsChangelogAtARestart() throws Exception {
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of("streamrec.covisit.store", "in-memory"));
        long t0 = System.currentTimeMillis() - 600_000;
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            app.start();
            // given x co-visited with a by three users
            for (int u = 0; u < 3; u++) {
                view(producer, app, "user-" + u, "x", t0 + u);
                view(producer, app, "user-" + u, "a", t0 + 1_000 + u);
            }
            producer.flush();
            awaitNeighbours(app, "x", List.of("a"));

            // when the app stops and starts again (the heap store starts empty), then x is co-visited with b once
            app.stop();
            app.start();
            view(producer, app, "user-9", "x", t0 + 2_000);
            view(producer, app, "user-9", "b", t0 + 3_000);
            producer.flush();

            // then x ranks a (three co-visits, restored) before b (one): without the restore it would list b alone
            List<NeighbourScore> list = awaitNeighbours(app, "x", List.of("a", "b"));
            assertThat(list).extracting(NeighbourScore::getItemId).containsExactly("a", "b");
            assertThat(list.get(0).getScore()).as("a's score: three co-visits").isGreaterThan(2.5 * list.get(1).getScore());
        } finally {
            app.stop();
        }
    }

    private void view(KafkaProducer<byte[], byte[]> producer, TestApp app, String user, String item, long ts) {
        UserEvent e = UserEvent.newBuilder().setEventId("e-" + (++sequence)).setUserId(user).setItemId(item)
                .setType(EventType.VIEW).setTimestamp(ts).build();
        producer.send(new ProducerRecord<>(app.topic("user-events"), null, ts, user.getBytes(StandardCharsets.UTF_8),
                Serdes.USER_EVENT.toBytes(e)));
    }

    /** Waits until the item's published list holds exactly {@code ids} (any order), and returns it. */
    private static List<NeighbourScore> awaitNeighbours(TestApp app, String item, List<String> ids) {
        AtomicReference<List<NeighbourScore>> seen = new AtomicReference<>();
        TestApp.await(item + "'s neighbours " + ids, Duration.ofSeconds(60), () -> {
            try {
                ItemNeighbours list = app.streams().store(StoreQueryParameters.fromNameAndType(
                        StreamrecTopology.NEIGHBOURS_GLOBAL_STORE,
                        QueryableStoreTypes.<String, ItemNeighbours>keyValueStore())).get(item);
                if (list == null || list.getNeighbours().size() != ids.size()
                        || !list.getNeighbours().stream().map(NeighbourScore::getItemId).toList().containsAll(ids)) {
                    return false;
                }
                seen.set(list.getNeighbours());
                return true;
            } catch (InvalidStateStoreException notQueryableYet) {
                return false;
            }
        });
        return seen.get();
    }
}
