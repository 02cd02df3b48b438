/**
 * Reprocessing from a point in time: moving the streams application's committed input-topic offsets
 * to a timestamp (the semantics of Kafka's {@code kafka-streams-application-reset} tool, done with the
 * Admin API so it can refuse while instances run and show its plan first): the plain API
 * ({@link dev.streamrec.ops.reset.AppResetter} with a {@link dev.streamrec.ops.reset.ResetSpec}) and the
 * {@code reset} command on top of it.
 */
package dev.streamrec.ops.reset;
