package dev.streamrec.serde;

import java.util.List;

import dev.streamrec.avro.Item;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;

/** The serde of each record type, created once; each one knows the record's older schemas. */
public final class Serdes {

    public static final AvroSerde<UserEvent> USER_EVENT = new AvroSerde<>(UserEvent.getClassSchema(),
            List.of(AvroSerde.historySchema("avro-history/UserEvent-v1.avsc")));
    public static final AvroSerde<Item> ITEM = new AvroSerde<>(Item.getClassSchema(), List.of());
    public static final AvroSerde<Recommendations> RECOMMENDATIONS =
            new AvroSerde<>(Recommendations.getClassSchema(), List.of());
    public static final AvroSerde<ModelPublished> MODEL_PUBLISHED =
            new AvroSerde<>(ModelPublished.getClassSchema(), List.of());

    private Serdes() {
    }
}
