package dev.streamrec.onnx;

import dev.streamrec.avro.EventType;

/** One event of a user's history as the model sees it: item, kind, event time (epoch ms). */
public record HistoryEvent(String itemId, EventType type, long timestamp) {
}
