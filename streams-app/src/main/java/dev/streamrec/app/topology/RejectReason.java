package dev.streamrec.app.topology;

/**
 * Why a {@code user-events} record went to the dead-letter topic. A bounded set: it labels the
 * {@code streamrec_dlq_records_total} metric and the {@code streamrec.error.reason} DLQ header.
 */
public enum RejectReason {
    /**
     * The bytes are not a decodable {@code UserEvent} (bad marker, unknown schema, truncated, a length
     * or count over Avro's read limits, malformed); the {@code streamrec.error.detail} header says which.
     */
    UNDECODABLE,
    /** The serialized value is longer than {@code streamrec.validation.limits.max-record-bytes}; not decoded. */
    RECORD_TOO_LARGE,
    /** The key or an id (eventId, userId, itemId, sessionId) is longer than {@code max-id-chars}. */
    FIELD_TOO_LONG,
    /** The context map has more entries, or a longer key or value, than its limits allow. */
    CONTEXT_TOO_LARGE,
    /**
     * Processing the event produced a record the broker refused as too large (only possible with the
     * input limits raised); dead-lettered when the task retries it, see {@link PoisonRecords}.
     */
    OUTPUT_TOO_LARGE,
    /** A tombstone (null value) on user-events. */
    MISSING_VALUE,
    /** The event type is one this reader does not know (Avro resolves it to {@code UNKNOWN}). */
    UNKNOWN_TYPE,
    /** eventId, userId or itemId is empty or blank. */
    EMPTY_ID,
    /**
     * The tenant id is not a plain name ({@link dev.streamrec.topics.TenantKeys#TENANT}), or an id holds the
     * tenant separator {@code |}, which would let one tenant's ids pass for another's.
     */
    INVALID_TENANT,
    /** The record key is not the event's userId (scoped by its tenant: {@code <tenant>|<userId>}), so the user's events would not share a partition. */
    KEY_MISMATCH,
    /** The event time is more than {@code streamrec.validation.max-future} ahead of the wall clock. */
    FUTURE_TIMESTAMP,
    /** The event time is negative. */
    NEGATIVE_TIMESTAMP,
    /** An unexpected exception while processing a valid-looking event (a bug): logged with its stack trace. */
    PROCESSING_ERROR
}
