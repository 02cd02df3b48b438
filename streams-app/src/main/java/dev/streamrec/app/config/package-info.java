/**
 * Micronaut wiring of the streams application: reads {@code streamrec.*} configuration into
 * {@link dev.streamrec.app.topology.TopologySettings} and the topic registry, creates missing
 * topics before Kafka Streams starts, and registers the topology on micronaut-kafka's
 * {@code default} stream builder.
 */
package dev.streamrec.app.config;
