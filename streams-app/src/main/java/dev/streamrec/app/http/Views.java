package dev.streamrec.app.http;

import java.util.List;

import io.micronaut.serde.annotation.Serdeable;

/** JSON bodies of the HTTP API (errors: {@link ErrorBody}). */
final class Views {

    private Views() {
    }

    @Serdeable
    record RecommendedItemView(String itemId, double score, String reason) {
    }

    @Serdeable
    record RecommendationsView(String userId, long generatedAt, String modelVersion, String triggerEventId,
                               List<RecommendedItemView> items, String experiment, String variant, String tenantId) {
    }

    @Serdeable
    record EventView(String itemId, String type, long timestamp) {
    }

    @Serdeable
    record HistoryView(String userId, List<EventView> events, List<String> purchased, String tenantId) {
    }

    /** Answer of {@code DELETE /users/{userId}}: the request was written there; the erasure follows. */
    @Serdeable
    record DeletionView(String userId, String tenantId, long requestedAt, String topic, int partition, long offset) {
    }
}
