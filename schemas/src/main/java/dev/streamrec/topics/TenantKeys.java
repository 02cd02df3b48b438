package dev.streamrec.topics;

import java.util.regex.Pattern;

/**
 * The one place that scopes an id by tenant. Users and items of two tenants are different entities,
 * so every key the streams app stores or publishes for a tenant is the scoped id:
 * {@code <tenant>|<id>} for a tenant other than {@value #DEFAULT}, and the plain id for
 * {@value #DEFAULT}, so the state, topics and tests of a single-shop deployment keep today's keys.
 * The separator {@value #SEPARATOR} may not appear in a tenant id (checked by {@link #tenantProblem})
 * nor in a user, item or event id (the app dead-letters such an event), so a scoped key has exactly
 * one reading.
 */
public final class TenantKeys {

    /** The tenant of a record without {@code tenantId} (schema default) and of every key without a separator. */
    public static final String DEFAULT = "default";
    public static final char SEPARATOR = '|';
    /** Tenant ids end up in keys, metric labels and model names: short and plain. */
    public static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private TenantKeys() {
    }

    /** {@code id} as a key of {@code tenant}: the plain id for the default tenant (or a null/blank tenant). */
    public static String scope(String tenant, String id) {
        return isDefault(tenant) ? id : tenant + SEPARATOR + id;
    }

    /** The tenant of a scoped key ({@value #DEFAULT} when it has no separator). */
    public static String tenantOf(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? DEFAULT : key.substring(0, at);
    }

    /** The plain id of a scoped key (the key itself when it has no separator). */
    public static String idOf(String key) {
        int at = key.indexOf(SEPARATOR);
        return at < 0 ? key : key.substring(at + 1);
    }

    /** Whether {@code tenant} means the default tenant (null and blank do too: absent = default). */
    public static boolean isDefault(String tenant) {
        return tenant == null || tenant.isBlank() || DEFAULT.equals(tenant);
    }

    /** {@code tenant}, or {@value #DEFAULT} for null and blank. */
    public static String normalize(String tenant) {
        return isDefault(tenant) ? DEFAULT : tenant;
    }

    /** Whether a user, item or event id may be scoped (it has no separator). */
    public static boolean scopable(String id) {
        return id == null || id.indexOf(SEPARATOR) < 0;
    }

    /** Why {@code tenant} is not a usable tenant id, or null when it is. */
    public static String tenantProblem(String tenant) {
        if (isDefault(tenant) || TENANT.matcher(tenant).matches()) {
            return null;
        }
        return "tenant id '" + (tenant.length() > 80 ? tenant.substring(0, 80) + "..." : tenant) + "' must match "
                + TENANT.pattern();
    }
}
