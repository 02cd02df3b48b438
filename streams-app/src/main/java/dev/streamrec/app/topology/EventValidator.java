package dev.streamrec.app.topology;

import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.topics.TenantKeys;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Checks one decoded user event and passes it on, or throws {@link InvalidEventException}, which
 * Kafka Streams hands to {@link DeadLetterProcessingHandler} (the dead-letter path lives in the
 * exception handler, not in the DSL). The future-timestamp check uses the task's wall clock
 * ({@code currentSystemTimeMs}, mockable in tests).
 *
 * <p>The length limits ({@link InputLimits}) come first: this is the first processor after the
 * source, so nothing oversized reaches the history, the repartition topic or a log line (messages
 * give lengths, never the over-long values). The record size itself is checked earlier still, by
 * the source's deserializer.
 */
final class EventValidator implements FixedKeyProcessor<String, UserEvent, UserEvent> {

    private final long maxFutureMs;
    private final InputLimits limits;
    private final TopologyMetrics metrics;
    private FixedKeyProcessorContext<String, UserEvent> context;
    private PoisonRecords poison;

    EventValidator(TopologySettings settings, TopologyMetrics metrics) {
        this.maxFutureMs = settings.maxFutureSkew().toMillis();
        this.limits = settings.limits();
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, UserEvent> context) {
        this.context = context;
        this.poison = PoisonRecords.from(context.appConfigs());
    }

    @Override
    public void process(FixedKeyRecord<String, UserEvent> record) {
        UserEvent e = record.value();
        if (e == null) {
            throw new InvalidEventException(RejectReason.MISSING_VALUE, "null value (tombstone) on user-events");
        }
        checkLimits(record.key(), e);
        if (poison != null) {
            context.recordMetadata().ifPresent(m -> {
                if (poison.contains(m.topic(), m.partition(), m.offset())) {
                    throw new InvalidEventException(RejectReason.OUTPUT_TOO_LARGE, "processing this event produced a record"
                            + " larger than the broker accepts (see the earlier 'could not write' line); not retried");
                }
            });
        }
        metrics.eventIn(e.getType());
        if (e.getType() == EventType.UNKNOWN) {
            throw new InvalidEventException(RejectReason.UNKNOWN_TYPE, "event " + e.getEventId() + " has an unknown type");
        }
        if (blank(e.getEventId()) || blank(e.getUserId()) || blank(e.getItemId())) {
            throw new InvalidEventException(RejectReason.EMPTY_ID, "event '" + e.getEventId() + "' has an empty id (userId='"
                    + e.getUserId() + "', itemId='" + e.getItemId() + "')");
        }
        checkTenant(e);
        String userKey = TenantKeys.scope(e.getTenantId(), e.getUserId());
        if (!userKey.equals(record.key())) {
            throw new InvalidEventException(RejectReason.KEY_MISMATCH, "event " + e.getEventId() + " has key '" + record.key()
                    + "' but userId '" + e.getUserId() + "'" + (TenantKeys.isDefault(e.getTenantId()) ? ""
                    : " in tenant '" + e.getTenantId() + "' (key expected: '" + userKey + "')"));
        }
        if (e.getTimestamp() < 0) {
            throw new InvalidEventException(RejectReason.NEGATIVE_TIMESTAMP, "event " + e.getEventId() + " has timestamp "
                    + e.getTimestamp());
        }
        long now = context.currentSystemTimeMs();
        if (e.getTimestamp() > now + maxFutureMs) {
            throw new InvalidEventException(RejectReason.FUTURE_TIMESTAMP, "event " + e.getEventId() + " is "
                    + (e.getTimestamp() - now) + " ms in the future (limit " + maxFutureMs + " ms)");
        }
        metrics.tenantEvent(TenantKeys.normalize(e.getTenantId()));
        context.forward(TenantKeys.isDefault(e.getTenantId()) ? record : record.withValue(scoped(e)));
    }

    /** The tenant id is a plain name, and no id holds the separator (else a scoped key would have two readings). */
    private static void checkTenant(UserEvent e) {
        String problem = TenantKeys.tenantProblem(e.getTenantId());
        if (problem != null) {
            throw new InvalidEventException(RejectReason.INVALID_TENANT, "event " + e.getEventId() + ": " + problem);
        }
        if (!TenantKeys.scopable(e.getEventId()) || !TenantKeys.scopable(e.getUserId())
                || !TenantKeys.scopable(e.getItemId())) {
            throw new InvalidEventException(RejectReason.INVALID_TENANT, "event '" + e.getEventId() + "' has an id with '"
                    + TenantKeys.SEPARATOR + "' (userId='" + e.getUserId() + "', itemId='" + e.getItemId()
                    + "'): it separates tenant and id in keys");
        }
    }

    /**
     * A tenant's event as the rest of the topology sees it: user, item and event ids scoped by the tenant
     * ({@link TenantKeys#scope}), so histories, the co-visitation graph, trending, dedupe and the catalogue
     * lookups keep tenants apart without knowing about them. The output is unscoped again
     * ({@link TenantRecords#unscope}).
     */
    static UserEvent scoped(UserEvent e) {
        String t = e.getTenantId();
        return UserEvent.newBuilder(e).setEventId(TenantKeys.scope(t, e.getEventId()))
                .setUserId(TenantKeys.scope(t, e.getUserId())).setItemId(TenantKeys.scope(t, e.getItemId())).build();
    }

    private void checkLimits(String key, UserEvent e) {
        idLength("key", key);
        idLength("eventId", e.getEventId());
        idLength("userId", e.getUserId());
        idLength("itemId", e.getItemId());
        idLength("sessionId", e.getSessionId());
        Map<String, String> entries = e.getContext();
        if (entries == null) {
            return;
        }
        if (entries.size() > limits.maxContextEntries()) {
            throw new InvalidEventException(RejectReason.CONTEXT_TOO_LARGE, "context has " + entries.size()
                    + " entries (limit " + limits.maxContextEntries() + ")");
        }
        for (Map.Entry<String, String> c : entries.entrySet()) {
            if (c.getKey() != null && c.getKey().length() > limits.maxContextKeyChars()) {
                throw new InvalidEventException(RejectReason.CONTEXT_TOO_LARGE, "a context key is " + c.getKey().length()
                        + " chars (limit " + limits.maxContextKeyChars() + ")");
            }
            if (c.getValue() != null && c.getValue().length() > limits.maxContextValueChars()) {
                throw new InvalidEventException(RejectReason.CONTEXT_TOO_LARGE, "context value '"
                        + (c.getKey() == null ? "" : c.getKey()) + "' is " + c.getValue().length() + " chars (limit "
                        + limits.maxContextValueChars() + ")");
            }
        }
    }

    private void idLength(String field, String value) {
        if (value != null && value.length() > limits.maxIdChars()) {
            throw new InvalidEventException(RejectReason.FIELD_TOO_LONG, field + " is " + value.length()
                    + " chars (limit " + limits.maxIdChars() + ")");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
