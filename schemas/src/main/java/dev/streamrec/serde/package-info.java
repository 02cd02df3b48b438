/**
 * Kafka serdes for the project's Avro records, in Avro single-object encoding (schema
 * fingerprint in the first bytes, no registry server), with one typed decoding error.
 */
package dev.streamrec.serde;
