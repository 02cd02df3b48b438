package dev.streamrec.topics;

import java.util.List;
import java.util.Map;

import dev.streamrec.avro.Item;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserDeletion;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.common.serialization.Serde;

/**
 * The project's topics with their serdes. Names come from configuration; {@link #DEFAULT} holds
 * the names from DESIGN.md (plus {@code user-deletions}, compacted, keyed by userId and partitioned like
 * user-events). The dead-letter topic keeps the original key and value bytes.
 */
public record Topics(
        Topic<String, UserEvent> userEvents,
        Topic<String, Item> itemCatalog,
        Topic<String, Recommendations> recommendations,
        Topic<String, ModelPublished> modelUpdates,
        Topic<byte[], byte[]> userEventsDlq,
        Topic<String, UserDeletion> userDeletions) {

    private static final Serde<String> STRING = org.apache.kafka.common.serialization.Serdes.String();
    private static final Serde<byte[]> BYTES = org.apache.kafka.common.serialization.Serdes.ByteArray();

    public static final Topics DEFAULT = named(Map.of());

    /**
     * Builds the registry with names overridden by {@code names} (keys: user-events, item-catalog,
     * recommendations, model-updates, user-events-dlq, user-deletions); a missing key keeps the default name.
     */
    public static Topics named(Map<String, String> names) {
        return new Topics(
                new Topic<>(names.getOrDefault("user-events", "user-events"), STRING, Serdes.USER_EVENT),
                new Topic<>(names.getOrDefault("item-catalog", "item-catalog"), STRING, Serdes.ITEM),
                new Topic<>(names.getOrDefault("recommendations", "recommendations"), STRING, Serdes.RECOMMENDATIONS),
                new Topic<>(names.getOrDefault("model-updates", "model-updates"), STRING, Serdes.MODEL_PUBLISHED),
                new Topic<>(names.getOrDefault("user-events-dlq", "user-events-dlq"), BYTES, BYTES),
                new Topic<>(names.getOrDefault("user-deletions", "user-deletions"), STRING, Serdes.USER_DELETION));
    }

    /** Every topic name, for creating them. */
    public List<String> names() {
        return List.of(userEvents.name(), itemCatalog.name(), recommendations.name(), modelUpdates.name(),
                userEventsDlq.name(), userDeletions.name());
    }
}
