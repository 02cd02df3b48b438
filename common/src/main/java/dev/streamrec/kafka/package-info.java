/** Kafka helpers shared by the apps: topic creation from configuration, a reachability check before a command starts, write-volume snapshots. */
package dev.streamrec.kafka;
