package dev.streamrec.app.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.streamrec.topics.TenantKeys;

/**
 * The {@code tenant} label value of a tenant, capped so that the number of series stays bounded
 * whatever tenant ids arrive (Prometheus label cardinality): the default tenant and the allow-listed
 * ones ({@code streamrec.tenant-metrics.labelled} and every tenant configured under
 * {@code streamrec.tenants}) always keep their id; other tenants get theirs in the order first seen
 * while fewer than {@code streamrec.tenant-metrics.max-labels} tenants are labelled; the rest share
 * {@value #OTHER}.
 */
public final class TenantLabels {

    public static final String OTHER = "other";

    private final Set<String> allowed;
    private final int maxLabels;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public TenantLabels(Set<String> allowed, int maxLabels) {
        if (maxLabels < 1) {
            throw new IllegalArgumentException("streamrec.tenant-metrics.max-labels must be >= 1, was " + maxLabels);
        }
        this.allowed = Set.copyOf(allowed);
        this.maxLabels = maxLabels;
    }

    /** Only the default tenant and {@code maxLabels - 1} more. */
    public static TenantLabels firstSeen(int maxLabels) {
        return new TenantLabels(Set.of(), maxLabels);
    }

    /** The label value for {@code tenant}. */
    public String label(String tenant) {
        String t = TenantKeys.normalize(tenant);
        if (TenantKeys.DEFAULT.equals(t) || allowed.contains(t) || seen.contains(t)) {
            return t;
        }
        synchronized (seen) {
            if (seen.contains(t)) {
                return t;
            }
            if (1 + allowed.size() + seen.size() < maxLabels) {
                seen.add(t);
                return t;
            }
        }
        return OTHER;
    }
}
