/** Kafka helpers shared by the apps: topic creation from configuration, a reachability check before a command starts, write-volume snapshots, and {@link dev.streamrec.kafka.TopicFollower}, the one read-a-topic-from-the-start-and-follow-it loop of the apps. */
package dev.streamrec.kafka;
