/** Kafka administration helpers shared by the apps: topic creation from configuration. */
package dev.streamrec.kafka;
