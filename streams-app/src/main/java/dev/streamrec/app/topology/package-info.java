/**
 * The Kafka Streams topology of the recommendation engine, built by one static method
 * ({@link dev.streamrec.app.topology.StreamrecTopology#define}) that the application and the tests
 * both call: validation with dead-lettering through Kafka Streams' own exception handlers,
 * de-duplication, per-user history, the item co-visitation graph, trending items, and one
 * {@code Recommendations} record per valid event, ranked by a pluggable {@link dev.streamrec.app.topology.Ranker}.
 * See {@code streams-app/TOPOLOGY.md} for the picture and the reasoning.
 */
package dev.streamrec.app.topology;
