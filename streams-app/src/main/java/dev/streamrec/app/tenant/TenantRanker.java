package dev.streamrec.app.tenant;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.experiment.ExperimentPlan;
import dev.streamrec.app.topology.Candidate;
import dev.streamrec.app.topology.RankedItem;
import dev.streamrec.app.topology.Ranker;
import dev.streamrec.app.topology.Ranking;
import dev.streamrec.app.topology.RankingRequest;
import dev.streamrec.avro.Experiment;
import dev.streamrec.topics.TenantKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's {@link Ranker} across tenants: a request goes to the ranker of its user's tenant
 * (the tenant of the scoped user key): the default tenant's (the app's model and experiments), a
 * configured tenant's (its own model, {@code streamrec.tenants.<tenant>.model}, and its experiments),
 * or, for a tenant with no model of its own, {@code unconfigured} (the heuristic): a model trained on
 * another shop's items would only know unknown ids.
 *
 * <p>A tenant's ranker sees the tenant's plain item ids (its model's vocabulary was trained on them)
 * and its answer is scoped again for the topology. The user id stays scoped: experiment assignment
 * hashes it, and the same user id in two tenants is two users.
 *
 * <p>As {@link ExperimentPlan}: each experiment goes to its tenant's ranker; one for a tenant without
 * a ranker of its own is ignored with a log line.
 */
public final class TenantRanker implements Ranker, ExperimentPlan {

    private static final Logger LOG = LoggerFactory.getLogger(TenantRanker.class);

    private final Ranker defaultRanker;
    private final Map<String, Ranker> tenants;
    private final Ranker unconfigured;

    /**
     * @param defaultRanker the default tenant's ranker
     * @param tenants       per configured tenant with a model, its ranker (an {@link ExperimentPlan} too, normally)
     * @param unconfigured  the ranker of other tenants
     */
    public TenantRanker(Ranker defaultRanker, Map<String, Ranker> tenants, Ranker unconfigured) {
        this.defaultRanker = defaultRanker;
        this.tenants = Map.copyOf(tenants);
        this.unconfigured = unconfigured;
    }

    private Ranker rankerOf(String tenant) {
        return TenantKeys.DEFAULT.equals(tenant) ? defaultRanker : tenants.getOrDefault(tenant, unconfigured);
    }

    @Override
    public boolean batches() {
        return defaultRanker.batches() || tenants.values().stream().anyMatch(Ranker::batches);
    }

    @Override
    public Ranking rank(RankingRequest request) {
        return rankAll(List.of(request)).getFirst();
    }

    /** Groups the requests by tenant, one call per tenant's ranker, answers in request order. */
    @Override
    public List<Ranking> rankAll(List<RankingRequest> requests) {
        if (tenants.isEmpty() && allDefault(requests)) {
            return defaultRanker.rankAll(requests); // the single-shop path: no copy
        }
        return Ranker.rankGrouped(requests, r -> TenantKeys.tenantOf(r.userId()), (tenant, group) -> {
            if (TenantKeys.DEFAULT.equals(tenant)) {
                return defaultRanker.rankAll(group);
            }
            List<RankingRequest> plain = new ArrayList<>(group.size());
            group.forEach(r -> plain.add(unscoped(tenant, r)));
            List<Ranking> ranked = rankerOf(tenant).rankAll(plain);
            List<Ranking> out = new ArrayList<>(ranked.size());
            ranked.forEach(r -> out.add(scoped(tenant, r)));
            return out;
        });
    }

    private static boolean allDefault(List<RankingRequest> requests) {
        for (RankingRequest r : requests) {
            if (!TenantKeys.scopable(r.userId())) {
                return false;
            }
        }
        return true;
    }

    /** The request with the tenant's plain item ids (user id kept scoped). */
    static RankingRequest unscoped(String tenant, RankingRequest r) {
        List<Candidate> candidates = new ArrayList<>(r.candidates().size());
        for (Candidate c : r.candidates()) {
            candidates.add(c.withItemId(TenantKeys.idOf(c.itemId())));
        }
        Set<String> excluded = new HashSet<>(r.excluded().size());
        r.excluded().forEach(id -> excluded.add(TenantKeys.idOf(id)));
        return new RankingRequest(r.userId(), r.history().mapItemIds(TenantKeys::idOf), candidates, r.k(), r.eventTime(), excluded,
                id -> r.available().test(TenantKeys.scope(tenant, id)));
    }

    /** The ranking with item ids scoped again. */
    static Ranking scoped(String tenant, Ranking r) {
        List<RankedItem> items = new ArrayList<>(r.items().size());
        for (RankedItem i : r.items()) {
            items.add(new RankedItem(TenantKeys.scope(tenant, i.itemId()), i.score(), i.reason()));
        }
        return new Ranking(r.modelVersion(), items, r.experiment(), r.variant());
    }

    @Override
    public void apply(Collection<Experiment> defined) {
        Map<String, List<Experiment>> byTenant = new HashMap<>();
        byTenant.put(TenantKeys.DEFAULT, new ArrayList<>());
        tenants.keySet().forEach(t -> byTenant.put(t, new ArrayList<>()));
        for (Experiment e : defined) {
            String tenant = TenantKeys.normalize(e.getTenantId());
            List<Experiment> list = byTenant.get(tenant);
            if (list == null || !(rankerOf(tenant) instanceof ExperimentPlan)) {
                LOG.warn("ignoring experiment '{}': tenant '{}' has no model of its own (streamrec.tenants.<tenant>.model)",
                        e.getName(), tenant);
                continue;
            }
            list.add(e);
        }
        byTenant.forEach((tenant, list) -> {
            if (rankerOf(tenant) instanceof ExperimentPlan plan) {
                plan.apply(list);
            }
        });
    }

    @Override
    public List<Experiment> live() {
        List<Experiment> all = new ArrayList<>();
        if (defaultRanker instanceof ExperimentPlan p) {
            all.addAll(p.live());
        }
        for (Ranker r : tenants.values()) {
            if (r instanceof ExperimentPlan p) {
                all.addAll(p.live());
            }
        }
        all.sort(Comparator.comparing(Experiment::getName));
        return all;
    }
}
