package dev.streamrec.serde;

import java.lang.reflect.Method;

import org.apache.avro.SystemLimitException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Avro's read limits, set once for the whole JVM before any record is decoded. Avro 1.12 reads
 * {@code org.apache.avro.limits.string.maxLength}, {@code ...bytes.maxLength} and
 * {@code ...collectionItems.maxLength} in {@link SystemLimitException}'s static initializer and
 * defaults each to about 2^31: unset, a 15-byte record that claims a 2 GB string makes the decoder
 * allocate 2 GB before it notices the bytes are not there.
 *
 * <p>{@link AvroSerde}'s static initializer calls {@link #install()}, so every decoder of the project
 * (streams app, trainer, ops tools) has the limits before its first decode. A value already given
 * as a system property ({@code -Dorg.apache.avro.limits.string.maxLength=...}) wins over the
 * default here; that is how an operator changes them. Because Avro may have read the properties
 * already (another library decoded something first), the limits are re-read through Avro's own
 * package-private {@code resetLimits()}; where that is not possible a warning says so.
 */
public final class AvroLimits {

    private static final Logger LOG = LoggerFactory.getLogger(AvroLimits.class);

    /**
     * Longest string or byte field accepted, in bytes: 1 MiB, the broker's default
     * {@code message.max.bytes}, so no field can be longer than a record Kafka would carry.
     */
    public static final int DEFAULT_MAX_LENGTH = 1 << 20;
    /**
     * Most items in one array or map: every item takes at least one byte on the wire, so a 1 MiB
     * record cannot hold more; the bound keeps a forged count from sizing a huge collection.
     */
    public static final int DEFAULT_MAX_COLLECTION_ITEMS = 1 << 20;

    private static volatile boolean installed;

    private AvroLimits() {
    }

    /** Sets the limits (where no system property sets them already) and makes Avro read them; idempotent. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, DEFAULT_MAX_LENGTH);
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, DEFAULT_MAX_LENGTH);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, DEFAULT_MAX_COLLECTION_ITEMS);
        try {
            Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Avro read the properties in its static initializer; that ran after the lines above
            // unless some other code decoded Avro first, in which case the JVM-wide -D flags apply.
            LOG.warn("could not make Avro re-read its read limits ({}); they apply only if set before Avro loaded", e.toString());
        }
        installed = true;
    }

    /** The string limit now in force, in bytes. */
    public static int maxStringLength() {
        return Integer.parseUnsignedInt(System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY));
    }

    private static void setIfAbsent(String property, int value) {
        String current = System.getProperty(property);
        if (current == null || current.isBlank()) {
            System.setProperty(property, Integer.toString(value));
        }
    }
}
