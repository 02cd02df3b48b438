package dev.streamrec.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import org.junit.jupiter.api.Test;

class DeletedUsersTest {

    private static UserEvent event(String id, String user, long ts) {
        return UserEvent.newBuilder().setEventId(id).setUserId(user).setItemId("i-" + id).setType(EventType.VIEW)
                .setTimestamp(ts).build();
    }

    @Test
    void shouldDropErasedUsersEventsUpToTheRequestAndKeepTheirFreshStart() {
        // given user "gone" erased at t=1000, and "kept" never erased
        DeletedUsers deleted = new DeletedUsers(Map.of("gone", 1000L));
        List<UserEvent> events = List.of(event("a", "gone", 10), event("b", "kept", 20), event("c", "gone", 1000),
                event("d", "gone", 1001), event("e", "kept", 5000));

        // when the training data is filtered
        List<UserEvent> kept = deleted.filter(events);

        // then the erased past is gone, the later event (a fresh start) and other users stay, in order
        assertThat(kept).extracting(UserEvent::getEventId).as("events left for training").containsExactly("b", "d", "e");
        assertThat(deleted.keeps(event("x", "gone", 999))).isFalse();
    }

    @Test
    void shouldEraseTheUserOfOneTenantOnly() {
        // given "gone" of shop-b erased (keyed by its tenant), and a "gone" of the default tenant
        DeletedUsers deleted = new DeletedUsers(Map.of("shop-b|gone", 1000L));
        UserEvent shopB = UserEvent.newBuilder(event("a", "gone", 10)).setTenantId("shop-b").build();

        // then only shop-b's user loses its past
        assertThat(deleted.keeps(shopB)).isFalse();
        assertThat(deleted.keeps(event("b", "gone", 10))).as("the default tenant's 'gone' is another user").isTrue();
    }

    @Test
    void shouldKeepEveryEventWithoutDeletions() {
        List<UserEvent> events = List.of(event("a", "u", 1), event("b", "v", 2));
        assertThat(DeletedUsers.NONE.filter(events)).isEqualTo(events);
    }
}
