/**
 * Micronaut wiring of the streams application: binds the {@code streamrec.*} sections of
 * {@code application.yml} (the one source of defaults) to typed records
 * ({@link dev.streamrec.app.config.StreamrecProperties}), turns them into
 * {@link dev.streamrec.app.topology.TopologySettings} and the topic registry, creates missing
 * topics before Kafka Streams starts, and registers the topology on micronaut-kafka's
 * {@code default} stream builder.
 */
package dev.streamrec.app.config;
