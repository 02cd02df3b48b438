/** Kafka administration helpers shared by the apps: topic creation from configuration, write-volume snapshots. */
package dev.streamrec.kafka;
