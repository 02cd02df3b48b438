package dev.streamrec.app.metrics;

import java.util.List;

import dev.streamrec.app.topology.StreamrecTopology;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.inject.Named;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * {@code streamrec_store_entries{store}}: approximate entries of each key-value store on this
 * instance (its local partitions; global stores in full), read through interactive queries when
 * Prometheus scrapes. NaN while the stores are not queryable (rebalancing, restoring). Window
 * stores (dedupe ids, trend buckets) have no cheap count and are left out.
 */
@Context
public class StoreSizeMetrics {

    public static final String STORE_ENTRIES = "streamrec.store.entries";

    static final List<String> STORES = List.of(
            StreamrecTopology.HISTORY_STORE,
            StreamrecTopology.RECOMMENDATIONS_STORE,
            StreamrecTopology.COVISIT_STORE,
            StreamrecTopology.NEIGHBOURS_GLOBAL_STORE,
            StreamrecTopology.TRENDING_GLOBAL_STORE,
            StreamrecTopology.CATALOG_GLOBAL_STORE);

    public StoreSizeMetrics(MeterRegistry registry, @Named("default") KafkaStreams streams) {
        for (String store : STORES) {
            Gauge.builder(STORE_ENTRIES, streams, s -> entries(s, store))
                    .tag("store", store)
                    .description("Approximate entries in a state store on this instance")
                    .register(registry);
        }
    }

    private static double entries(KafkaStreams streams, String store) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()))
                    .approximateNumEntries();
        } catch (InvalidStateStoreException notQueryableNow) {
            return Double.NaN;
        }
    }
}
