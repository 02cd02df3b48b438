package dev.streamrec.topics;

import org.apache.kafka.common.serialization.Serde;

/** A topic with the serdes of its keys and values, so code never pairs them by hand. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Topic<K, V> withName(String newName) {
        return new Topic<>(newName, keySerde, valueSerde);
    }
}
