/** A real Kafka broker (KRaft) started inside the JVM, for the embedded run and for tests. */
package dev.streamrec.broker;
