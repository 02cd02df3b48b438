/**
 * The HTTP API: recommendations and history read from the Kafka Streams stores (interactive
 * queries; a key owned by another instance is redirected there), JSON error bodies, and the
 * readiness check (ready = Kafka Streams RUNNING).
 */
package dev.streamrec.app.http;
