package dev.streamrec.app.filter;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.config.StreamrecProperties;
import dev.streamrec.topics.TenantKeys;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * Reads {@link RecommendRules} from {@code streamrec.recommend.*} (defaults in {@code application.yml}) and the
 * per-tenant {@link TenantRules} from {@code streamrec.tenants.<tenant>.*}.
 */
@Factory
public class RecommendRulesFactory {

    @Singleton
    RecommendRules recommendRules(StreamrecProperties.Recommend recommend) {
        return new RecommendRules(ExclusionPolicy.parse(recommend.exclude()), recommend.overfetch(),
                recommend.maxPerCategory(), recommend.excludeOutOfStock());
    }

    @Singleton
    TenantRules tenantRules(RecommendRules global, List<StreamrecProperties.Tenant> tenants) {
        return rules(global, tenants);
    }

    /** Each configured tenant's rules, its unset keys taken from {@code global}. */
    public static TenantRules rules(RecommendRules global, List<StreamrecProperties.Tenant> tenants) {
        Map<String, RecommendRules> byTenant = new HashMap<>();
        for (StreamrecProperties.Tenant t : tenants) {
            String problem = TenantKeys.tenantProblem(t.tenant());
            if (problem != null) {
                throw new IllegalArgumentException("streamrec.tenants." + t.tenant() + ": " + problem);
            }
            try {
                byTenant.put(TenantKeys.normalize(t.tenant()), new RecommendRules(
                        t.exclude() == null ? global.exclude() : ExclusionPolicy.parse(t.exclude()),
                        t.overfetch() == null ? global.overfetch() : t.overfetch(),
                        t.maxPerCategory() == null ? global.maxPerCategory() : t.maxPerCategory(),
                        t.excludeOutOfStock() == null ? global.excludeOutOfStock() : t.excludeOutOfStock()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("streamrec.tenants." + t.tenant() + ": " + e.getMessage(), e);
            }
        }
        return new TenantRules(global, byTenant);
    }
}
