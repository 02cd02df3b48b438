package dev.streamrec.app.topology;

import dev.streamrec.avro.EventType;

/** One event of the user's history as a ranker sees it. */
public record UserAction(String itemId, EventType type, long timestamp) {
}
