/**
 * The HTTP API: recommendations and history read from the Kafka Streams stores (interactive
 * queries; a key owned by another instance is redirected there), the model admin API, one JSON
 * error body for every 4xx/5xx ({@code ErrorBody}, also for the framework's own errors through
 * {@code JsonErrorResponses}), and the readiness check (ready = Kafka Streams RUNNING).
 */
package dev.streamrec.app.http;
