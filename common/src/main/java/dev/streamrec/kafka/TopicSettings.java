package dev.streamrec.kafka;

/** How one topic is created: partitions, replication, and whether it is compacted. */
public record TopicSettings(String name, int partitions, short replicationFactor, boolean compacted) {
}
