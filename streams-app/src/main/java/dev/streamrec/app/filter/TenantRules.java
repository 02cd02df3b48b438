package dev.streamrec.app.filter;

import java.util.Map;

import dev.streamrec.topics.TenantKeys;

/**
 * The recommend step's rules per tenant ({@code streamrec.tenants.<tenant>.*}): a tenant's own values
 * where it sets them, the global {@code streamrec.recommend.*} values otherwise (and for every tenant
 * not configured, the default one included).
 */
public final class TenantRules {

    private final RecommendRules global;
    private final Map<String, RecommendRules> byTenant;

    public TenantRules(RecommendRules global, Map<String, RecommendRules> byTenant) {
        this.global = global;
        this.byTenant = Map.copyOf(byTenant);
    }

    /** The same rules for every tenant. */
    public static TenantRules of(RecommendRules global) {
        return new TenantRules(global, Map.of());
    }

    /** The rules of {@code tenant}. */
    public RecommendRules forTenant(String tenant) {
        return byTenant.getOrDefault(TenantKeys.normalize(tenant), global);
    }

    /** The rules of the tenant a scoped user or item key belongs to ({@link TenantKeys#tenantOf}). */
    public RecommendRules forKey(String scopedKey) {
        return byTenant.isEmpty() ? global : forTenant(TenantKeys.tenantOf(scopedKey));
    }

    /** The global rules (those of tenants without their own). */
    public RecommendRules global() {
        return global;
    }
}
