package dev.streamrec.app.topology;

/**
 * Bounds on one {@code user-events} record, checked before the event fans out to the history,
 * the item-partitioned repartition topic and the recommendation: a record over them goes to the
 * dead-letter topic ({@link RejectReason#RECORD_TOO_LARGE}, {@link RejectReason#FIELD_TOO_LONG},
 * {@link RejectReason#CONTEXT_TOO_LARGE}) instead of multiplying into internal records the broker
 * cannot take. Keys: {@code streamrec.validation.limits.*} in {@code application.yml}.
 *
 * @param maxRecordBytes       serialized value size, checked before decoding ({@code max-record-bytes})
 * @param maxIdChars           key, eventId, userId, itemId and sessionId length in chars ({@code max-id-chars})
 * @param maxContextEntries    entries in the context map ({@code max-context-entries})
 * @param maxContextKeyChars   length of one context key ({@code max-context-key-chars})
 * @param maxContextValueChars length of one context value ({@code max-context-value-chars})
 */
public record InputLimits(int maxRecordBytes, int maxIdChars, int maxContextEntries, int maxContextKeyChars,
                          int maxContextValueChars) {

    /** Sized for e-commerce ids and a little context; a real event is a few hundred bytes. */
    public static final InputLimits DEFAULTS = new InputLimits(64 * 1024, 256, 32, 64, 1024);

    public InputLimits {
        positive("max-record-bytes", maxRecordBytes);
        positive("max-id-chars", maxIdChars);
        if (maxContextEntries < 0) {
            throw new IllegalArgumentException("streamrec.validation.limits.max-context-entries must be >= 0, was "
                    + maxContextEntries);
        }
        positive("max-context-key-chars", maxContextKeyChars);
        positive("max-context-value-chars", maxContextValueChars);
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("streamrec.validation.limits." + key + " must be > 0, was " + value);
        }
    }
}
