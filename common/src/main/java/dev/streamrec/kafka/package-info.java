/** Kafka helpers shared by the apps: topic creation from configuration, a reachability check before a command starts. */
package dev.streamrec.kafka;
