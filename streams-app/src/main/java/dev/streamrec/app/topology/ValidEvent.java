package dev.streamrec.app.topology;

import dev.streamrec.avro.UserEvent;

/**
 * A valid, first-seen event with the user's history after it was added (its last entry is this
 * event). Flows between processors of one sub-topology only, so it needs no serde.
 */
record ValidEvent(UserEvent event, History history) implements RecommendInput {
}
