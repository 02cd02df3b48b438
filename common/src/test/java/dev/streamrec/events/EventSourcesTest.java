package dev.streamrec.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventSourcesTest {

    @TempDir
    Path dir;

    @Test
    void shouldReadMovieLensRatingsInTimeOrder() throws Exception {
        Path f = dir.resolve("u.data");
        Files.writeString(f, "196\t242\t3\t881250949\n186\t302\t5\t891717742\n22\t377\t1\t878887116\n");
        List<UserEvent> events = EventCsv.read(f, EventCsv.Format.AUTO);
        assertThat(events).extracting(UserEvent::getUserId).containsExactly("22", "196", "186");
        assertThat(events.get(2).getType()).as("rating 5 is a purchase").isEqualTo(EventType.PURCHASE);
        assertThat(events.get(0).getType()).as("rating 1 is a click").isEqualTo(EventType.CLICK);
        assertThat(events.get(1).getTimestamp()).isEqualTo(881250949000L);
    }

    @Test
    void shouldReadGenericCsvWithHeaderIsoTimesAndSessions() throws Exception {
        Path f = dir.resolve("events.csv");
        Files.writeString(f, "userId,itemId,type,timestamp,sessionId\n"
                + "u1,i1,view,2026-01-01T00:00:01Z,s1\nu1,i2,PURCHASE,1767225600000\n");
        List<UserEvent> events = EventCsv.read(f, EventCsv.Format.AUTO);
        assertThat(events).hasSize(2);
        assertThat(events.get(0).getItemId()).isEqualTo("i2");
        assertThat(events.get(1).getSessionId()).isEqualTo("s1");
        assertThat(EventCsv.read(f, EventCsv.Format.CSV)).extracting(UserEvent::getEventId)
                .as("ids are stable across reads").isEqualTo(events.stream().map(UserEvent::getEventId).toList());
    }

    @Test
    void shouldNameTheLineOfABadRecord() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "u1,i1,VIEW,1\nu1,i1,LIKE,2\n");
        assertThatThrownBy(() -> EventCsv.read(f, EventCsv.Format.CSV))
                .isInstanceOf(EventCsv.BadLineException.class).hasMessageContaining("bad.csv:2").hasMessageContaining("LIKE");
    }

    @Test
    void shouldSimulateDeterministicTasteDrivenShoppers() {
        ShopperSimulator a = new ShopperSimulator(ShopperSimulator.Settings.defaults());
        ShopperSimulator b = new ShopperSimulator(ShopperSimulator.Settings.defaults());
        int inTaste = 0;
        Set<EventType> types = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            UserEvent e = a.next(i);
            assertThat(b.next(i)).isEqualTo(e);
            types.add(e.getType());
            int[] taste = a.tasteOf(e.getUserId());
            int c = a.clusterOf(e.getItemId());
            if (c == taste[0] || c == taste[1]) {
                inTaste++;
            }
        }
        assertThat(types).containsExactlyInAnyOrder(EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE);
        assertThat(inTaste / 5_000.0).as("share of events inside the user's tastes").isGreaterThan(0.7);
    }

    @Test
    void shouldGiveNewEventIdsButTheSameShoppersForAnotherRunSeed() {
        ShopperSimulator first = new ShopperSimulator(ShopperSimulator.Settings.defaults(), 1L);
        ShopperSimulator restarted = new ShopperSimulator(ShopperSimulator.Settings.defaults(), 2L);
        Set<String> firstIds = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            firstIds.add(first.next(i).getEventId());
        }
        for (int i = 0; i < 1_000; i++) {
            assertThat(firstIds).as("event ids of a second run").doesNotContain(restarted.next(i).getEventId());
        }
        for (int u = 0; u < 100; u++) {
            assertThat(restarted.tasteOf(ShopperSimulator.userId(u))).as("tastes do not depend on the run seed")
                    .isEqualTo(first.tasteOf(ShopperSimulator.userId(u)));
        }
    }
}
