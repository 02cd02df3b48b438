package dev.streamrec.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.config.TopicConfig;

/**
 * How one topic is created: partitions, replication, whether it is compacted, and further topic
 * configs (retention, segment roll) set at creation.
 */
public record TopicSettings(String name, int partitions, short replicationFactor, boolean compacted,
                            Map<String, String> configs) {

    public TopicSettings {
        configs = Map.copyOf(configs);
    }

    public TopicSettings(String name, int partitions, short replicationFactor, boolean compacted) {
        this(name, partitions, replicationFactor, compacted, Map.of());
    }

    /** Every config the topic is created with: the cleanup policy and {@link #configs()}. */
    public Map<String, String> creationConfigs() {
        Map<String, String> all = new HashMap<>(configs);
        if (compacted) {
            all.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        return all;
    }
}
