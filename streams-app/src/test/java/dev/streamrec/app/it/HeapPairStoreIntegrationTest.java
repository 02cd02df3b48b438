package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.app.health.StateRestores;
import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
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
        try {
            app.start();
            // given x co-visited with a by three users
            List<UserEvent> before = new ArrayList<>();
            for (int u = 0; u < 3; u++) {
                before.add(view("user-" + u, "x", t0 + u));
                before.add(view("user-" + u, "a", t0 + 1_000 + u));
            }
            SwapWorkload.produce(app, before);
            awaitNeighbours(app, "x", List.of("a"));

            // when the app stops and starts again (the heap store starts empty), then x is co-visited with b once
            app.stop();
            app.start();
            StateRestores restores = app.context().getBean(StateRestores.class);
            TestApp.await("the pairs x-a and a-x restored from the changelog, as the restore listener counts them",
                    Duration.ofSeconds(60), () -> restores.restoredRecords(StreamrecTopology.COVISIT_STORE) >= 2);
            SwapWorkload.produce(app, List.of(view("user-9", "x", t0 + 2_000), view("user-9", "b", t0 + 3_000)));

            // then x ranks a (three co-visits, restored) before b (one): without the restore it would list b alone
            List<NeighbourScore> list = awaitNeighbours(app, "x", List.of("a", "b"));
            assertThat(list).extracting(NeighbourScore::getItemId).containsExactly("a", "b");
            assertThat(list.get(0).getScore()).as("a's score: three co-visits").isGreaterThan(2.5 * list.get(1).getScore());
        } finally {
            app.stop();
        }
    }

    private UserEvent view(String user, String item, long ts) {
        return UserEvent.newBuilder().setEventId("e-" + (++sequence)).setUserId(user).setItemId(item)
                .setType(EventType.VIEW).setTimestamp(ts).build();
    }

    /** Waits until the item's published list holds exactly {@code ids} (any order), and returns it. */
    private static List<NeighbourScore> awaitNeighbours(TestApp app, String item, List<String> ids) {
        AtomicReference<List<NeighbourScore>> seen = new AtomicReference<>();
        TestApp.await(item + "'s neighbours " + ids, Duration.ofSeconds(60), () -> {
            ItemNeighbours list = app.neighbours(item);
            if (list == null || list.getNeighbours().size() != ids.size()
                    || !list.getNeighbours().stream().map(NeighbourScore::getItemId).toList().containsAll(ids)) {
                return false;
            }
            seen.set(list.getNeighbours());
            return true;
        });
        return seen.get();
    }
}
