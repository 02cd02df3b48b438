/**
 * The typed registry of the project's Kafka topics: each name with its key and value serdes, and
 * {@link dev.streamrec.topics.TenantKeys}, how a tenant's record keys are scoped.
 */
package dev.streamrec.topics;
