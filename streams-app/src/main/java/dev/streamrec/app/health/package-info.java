/**
 * Health checks beyond the Kafka Streams state: liveness that notices a stream thread dying again
 * and again (a poison record under REPLACE_THREAD), and readiness that notices a broker outage.
 */
package dev.streamrec.app.health;
