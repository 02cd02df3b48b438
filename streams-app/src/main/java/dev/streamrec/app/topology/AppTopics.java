package dev.streamrec.app.topology;

import java.util.Objects;

import dev.streamrec.avro.Item;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserDeletion;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.Topic;
import dev.streamrec.topics.Topics;

/**
 * The topics the streams app reads and writes: the project's shared {@link Topics} plus the two
 * compacted topics the app publishes for its global stores. Those two are not Kafka Streams
 * internal topics (a global store cannot be fed by one), so the app creates them itself; their
 * default names start with the application id so that two applications on one cluster never share
 * them.
 *
 * @param shared          the project's topics (user-events, item-catalog, recommendations, model-updates, user-events-dlq, user-deletions)
 * @param itemNeighbours  top-M co-visitation neighbours per item, read back as the {@code item-neighbours-global} store
 * @param trendingItems   each item partition's trending list, read back as the {@code trending-global} store
 */
public record AppTopics(Topics shared, Topic<String, ItemNeighbours> itemNeighbours,
                        Topic<String, TrendingItems> trendingItems) {

    public AppTopics {
        Objects.requireNonNull(shared, "shared");
        Objects.requireNonNull(itemNeighbours, "itemNeighbours");
        Objects.requireNonNull(trendingItems, "trendingItems");
    }

    /** The shared topics with the given names for the app's own two topics. */
    public static AppTopics of(Topics shared, String itemNeighboursTopic, String trendingItemsTopic) {
        return new AppTopics(shared,
                new Topic<>(itemNeighboursTopic, org.apache.kafka.common.serialization.Serdes.String(), Serdes.ITEM_NEIGHBOURS),
                new Topic<>(trendingItemsTopic, org.apache.kafka.common.serialization.Serdes.String(), Serdes.TRENDING_ITEMS));
    }

    /** The default names, with the app's own topics prefixed by {@code applicationId}. */
    public static AppTopics defaults(String applicationId) {
        return of(Topics.DEFAULT, applicationId + "-item-neighbours", applicationId + "-trending-items");
    }

    public Topic<String, UserEvent> userEvents() {
        return shared.userEvents();
    }

    public Topic<String, Item> itemCatalog() {
        return shared.itemCatalog();
    }

    public Topic<String, Recommendations> recommendations() {
        return shared.recommendations();
    }

    public Topic<byte[], byte[]> userEventsDlq() {
        return shared.userEventsDlq();
    }

    public Topic<String, UserDeletion> userDeletions() {
        return shared.userDeletions();
    }
}
