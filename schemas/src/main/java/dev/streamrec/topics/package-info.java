/** The typed registry of the project's Kafka topics: each name with its key and value serdes. */
package dev.streamrec.topics;
