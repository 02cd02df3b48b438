package dev.streamrec.serde;

import java.util.List;

import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserDeletion;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.avro.internal.TrendingItems;
import dev.streamrec.avro.internal.UserHistory;

/** The serde of each record type, created once; each one knows the record's older schemas. */
public final class Serdes {

    public static final AvroSerde<UserEvent> USER_EVENT = new AvroSerde<>(UserEvent.getClassSchema(),
            List.of(AvroSerde.historySchema("avro-history/UserEvent-v1.avsc"),
                    AvroSerde.historySchema("avro-history/UserEvent-v2.avsc")));
    public static final AvroSerde<Item> ITEM = new AvroSerde<>(Item.getClassSchema(),
            List.of(AvroSerde.historySchema("avro-history/Item-v1.avsc"),
                    AvroSerde.historySchema("avro-history/Item-v2.avsc")));
    public static final AvroSerde<Recommendations> RECOMMENDATIONS =
            new AvroSerde<>(Recommendations.getClassSchema(),
                    List.of(AvroSerde.historySchema("avro-history/Recommendations-v1.avsc"),
                            AvroSerde.historySchema("avro-history/Recommendations-v2.avsc")));
    public static final AvroSerde<Experiment> EXPERIMENT = new AvroSerde<>(Experiment.getClassSchema(),
            List.of(AvroSerde.historySchema("avro-history/Experiment-v1.avsc")));
    public static final AvroSerde<UserDeletion> USER_DELETION = new AvroSerde<>(UserDeletion.getClassSchema(),
            List.of(AvroSerde.historySchema("avro-history/UserDeletion-v1.avsc")));
    public static final AvroSerde<ModelPublished> MODEL_PUBLISHED =
            new AvroSerde<>(ModelPublished.getClassSchema(), List.of());

    // Internal records of the streams app (store values, repartition and global-store topics).
    public static final AvroSerde<UserHistory> USER_HISTORY = new AvroSerde<>(UserHistory.getClassSchema(),
            List.of(AvroSerde.historySchema("avro-history/UserHistory-v1.avsc")));
    public static final AvroSerde<ItemSignal> ITEM_SIGNAL = new AvroSerde<>(ItemSignal.getClassSchema(),
            List.of(AvroSerde.historySchema("avro-history/ItemSignal-v1.avsc"),
                    AvroSerde.historySchema("avro-history/ItemSignal-v2.avsc")));
    public static final AvroSerde<ItemNeighbours> ITEM_NEIGHBOURS =
            new AvroSerde<>(ItemNeighbours.getClassSchema(), List.of());
    public static final AvroSerde<TrendingItems> TRENDING_ITEMS =
            new AvroSerde<>(TrendingItems.getClassSchema(), List.of());

    private Serdes() {
    }
}
