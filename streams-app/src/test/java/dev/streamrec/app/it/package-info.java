/** Integration tests of the streams app on a real Kafka broker (tag {@code integration}). */
package dev.streamrec.app.it;
