package dev.streamrec.app.http;

import java.util.Optional;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads one key from a key-value store of the running topology. With several instances, each holds
 * the partitions it owns; when {@code kafka.streams.default.application.server} (host:port of this
 * instance's HTTP server) is set, Kafka Streams knows which instance owns a key
 * ({@link KafkaStreams#queryMetadataForKey}), and a key owned elsewhere is answered with that
 * instance as a {@link Lookup.Elsewhere} (the controller redirects there: the client follows one
 * 307, no instance proxies another's answer). While a rebalance leaves a key without a known owner,
 * the answer is "unavailable" (503, retry), never a 404 that a missing local partition would give.
 * Standby replicas are not read: a query sees only the active, up-to-date copy.
 */
@Singleton
class StoreQueries {

    /** The answer for one key. */
    sealed interface Lookup<V> {
        record Found<V>(V value) implements Lookup<V> {
        }

        record Missing<V>() implements Lookup<V> {
        }

        record Elsewhere<V>(HostInfo host) implements Lookup<V> {
        }
    }

    private final KafkaStreams streams;
    private final Optional<HostInfo> self;

    StoreQueries(@Named("default") KafkaStreams streams,
                 @Value("${kafka.streams.default.application.server:}") String applicationServer) {
        this.streams = streams;
        this.self = applicationServer == null || applicationServer.isBlank() ? Optional.empty()
                : Optional.of(HostInfo.buildFromEndpoint(applicationServer));
    }

    /** A value of a global store (every instance holds all of it), or null. */
    <V> V global(String storeName, String key) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(storeName,
                    QueryableStoreTypes.<String, V>keyValueStore())).get(key);
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("store " + storeName + " is not queryable right now: " + e.getMessage(), e);
        }
    }

    <V> Lookup<V> get(String storeName, String key) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            throw new StoreUnavailableException("Kafka Streams is " + state + "; store " + storeName
                    + " cannot be queried", null);
        }
        KeyQueryMetadata owner = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
        boolean ownerKnown = owner != null && owner != KeyQueryMetadata.NOT_AVAILABLE;
        if (self.isPresent() && !ownerKnown) {
            throw new StoreUnavailableException("no instance owns the partition of this key in " + storeName
                    + " right now (Kafka Streams is " + state + "); retry shortly", null);
        }
        if (self.isPresent() && !owner.activeHost().equals(self.get())) {
            return new Lookup.Elsewhere<>(owner.activeHost());
        }
        try {
            StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> params =
                    StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore());
            if (ownerKnown) {
                params = params.withPartition(owner.partition());
            }
            V value = streams.store(params).get(key);
            return value == null ? new Lookup.Missing<>() : new Lookup.Found<>(value);
        } catch (InvalidStateStoreException e) {
            throw new StoreUnavailableException("store " + storeName + " is not queryable right now: " + e.getMessage(), e);
        }
    }
}
