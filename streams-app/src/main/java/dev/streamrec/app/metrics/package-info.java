/**
 * The application's own Micrometer metrics ({@code streamrec_*} on {@code /prometheus}), next to the
 * Kafka Streams and JVM metrics that micronaut-kafka and micronaut-micrometer bind.
 */
package dev.streamrec.app.metrics;
