package dev.streamrec.app.http;

import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.filter.ServedFilter;
import dev.streamrec.avro.Item;
import dev.streamrec.avro.RecommendedItem;

import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.app.topology.TenantRecords;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.app.topology.History;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.topics.TenantKeys;
import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.uri.UriBuilder;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code GET /recommendations/{userId}?k=&category=&exclude=id,id&includeSeen=} (the latest list produced
 * for the user, through the request's filters ({@link ServedFilter}), cut to k) and
 * {@code GET /users/{userId}/history}. Unknown users get 404 with a JSON error body ({@link ErrorBody});
 * a user id longer than {@code streamrec.http.max-id-length} gets 414; a key owned by another
 * instance gets a 307 redirect to it; a store that cannot be queried yet gets 503.
 */
@Controller
@ExecuteOn(TaskExecutors.BLOCKING) // RocksDB reads block
class RecommendationController {

    private final StoreQueries stores;
    private final int defaultK;
    private final int maxIdLength;

    RecommendationController(StoreQueries stores, TopologySettings settings,
                             @Value("${streamrec.http.max-id-length}") int maxIdLength) {
        this.stores = stores;
        this.defaultK = settings.recommendK();
        this.maxIdLength = maxIdLength;
    }

    @Get(uri = "/recommendations/{userId}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> recommendations(@PathVariable String userId, @Nullable @QueryValue Integer k,
                                    @Nullable @QueryValue String category, @Nullable @QueryValue String exclude,
                                    @Nullable @QueryValue Boolean includeSeen, @Nullable @QueryValue String tenant) {
        HttpResponse<?> tooLong = tooLong(userId);
        if (tooLong != null) {
            return tooLong;
        }
        HttpResponse<?> badTenant = TenantParam.refusal(tenant, userId);
        if (badTenant != null) {
            return badTenant;
        }
        int limit = k == null ? defaultK : k;
        if (limit < 1) {
            return ErrorBody.of(HttpStatus.BAD_REQUEST, "bad_request", "k must be at least 1, was " + limit)
                    .withUserId(userId).response();
        }
        // The stores hold a tenant's users under their scoped key (partitioned by it, like user-events).
        String key = TenantKeys.scope(tenant, userId);
        return switch (stores.<Recommendations>get(StreamrecTopology.RECOMMENDATIONS_STORE, key)) {
            case StoreQueries.Lookup.Found<Recommendations> f -> HttpResponse.ok(view(f.value(), limit,
                    ServedFilter.of(category, exclude, includeSeen)));
            case StoreQueries.Lookup.Missing<Recommendations> m -> notFound(userId, "no recommendations for user '"
                    + userId + "' (no valid event seen for this user)");
            case StoreQueries.Lookup.Elsewhere<Recommendations> e -> redirect(e, "/recommendations/" + userId,
                    query("k", k, "category", category, "exclude", exclude, "includeSeen", includeSeen, "tenant", tenant));
        };
    }

    @Get(uri = "/users/{userId}/history", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> history(@PathVariable String userId, @Nullable @QueryValue String tenant) {
        HttpResponse<?> tooLong = tooLong(userId);
        if (tooLong != null) {
            return tooLong;
        }
        HttpResponse<?> badTenant = TenantParam.refusal(tenant, userId);
        if (badTenant != null) {
            return badTenant;
        }
        return switch (stores.<UserHistory>get(StreamrecTopology.HISTORY_STORE, TenantKeys.scope(tenant, userId))) {
            case StoreQueries.Lookup.Found<UserHistory> f -> HttpResponse.ok(view(userId, TenantKeys.normalize(tenant),
                    f.value()));
            case StoreQueries.Lookup.Missing<UserHistory> m -> notFound(userId, "no history for user '" + userId + "'"
                    + (TenantKeys.isDefault(tenant) ? "" : " in tenant '" + tenant + "'"));
            case StoreQueries.Lookup.Elsewhere<UserHistory> e -> redirect(e, "/users/" + userId + "/history",
                    query("tenant", tenant));
        };
    }

    private static HttpResponse<ErrorBody> notFound(String userId, String message) {
        return ErrorBody.of(HttpStatus.NOT_FOUND, "not_found", message).withUserId(userId).response();
    }

    /** 414 for an id longer than any the app accepts (the id is not echoed back). */
    private HttpResponse<?> tooLong(String userId) {
        if (userId.length() <= maxIdLength) {
            return null;
        }
        return ErrorBody.response(HttpStatus.REQUEST_URI_TOO_LONG, "uri_too_long", "user id of " + userId.length()
                + " characters; at most " + maxIdLength + " (streamrec.http.max-id-length)");
    }

    private static HttpResponse<?> redirect(StoreQueries.Lookup.Elsewhere<?> e, String path, Map<String, Object> query) {
        UriBuilder uri = UriBuilder.of(URI.create("http://" + e.host().host() + ":" + e.host().port())).path(path);
        query.forEach(uri::queryParam);
        return HttpResponse.temporaryRedirect(uri.build());
    }

    /** The query parameters given (name, value pairs; null values left out), in order, for a redirect. */
    private static Map<String, Object> query(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                out.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return out;
    }

    /**
     * The stored (over-fetched) list through the request's filters, cut to k. Stored ids are scoped by the
     * tenant; the filters and the answer work on the tenant's plain ids.
     */
    private Views.RecommendationsView view(Recommendations stored, int k, ServedFilter filter) {
        String tenant = TenantKeys.tenantOf(stored.getUserId());
        Set<String> seen = filter.includeSeen() ? Set.of() : seen(stored.getUserId());
        Recommendations r = TenantRecords.unscope(stored);
        List<Views.RecommendedItemView> items = filter.apply(r.getItems(), k, RecommendedItem::getItemId,
                        id -> {
                            Item item = stores.global(StreamrecTopology.CATALOG_GLOBAL_STORE, TenantKeys.scope(tenant, id));
                            return item == null ? null : item.getCategory();
                        }, seen).stream()
                .map(i -> new Views.RecommendedItemView(i.getItemId(), i.getScore(), i.getReason())).toList();
        return new Views.RecommendationsView(r.getUserId(), r.getGeneratedAt(), r.getModelVersion(),
                r.getTriggerEventId(), items, r.getExperiment(), r.getVariant(), tenant);
    }

    /**
     * Every item of the user's history (events and kept purchases), as plain ids; the history lives with the
     * list, on this instance.
     */
    private Set<String> seen(String userId) {
        if (stores.<UserHistory>get(StreamrecTopology.HISTORY_STORE, userId) instanceof StoreQueries.Lookup.Found<UserHistory> f) {
            History h = History.of(f.value());
            Set<String> seen = new HashSet<>();
            h.purchased().forEach(id -> seen.add(TenantKeys.idOf(id)));
            for (int i = 0; i < h.size(); i++) {
                seen.add(TenantKeys.idOf(h.itemId(i)));
            }
            return seen;
        }
        return Set.of();
    }

    private static Views.HistoryView view(String userId, String tenant, UserHistory stored) {
        History h = History.of(stored);
        List<Views.EventView> events = new java.util.ArrayList<>(h.size());
        for (int i = 0; i < h.size(); i++) {
            events.add(new Views.EventView(TenantKeys.idOf(h.itemId(i)), h.type(i).name(), h.timestamp(i)));
        }
        return new Views.HistoryView(userId, events, h.purchased().stream().map(TenantKeys::idOf).toList(), tenant);
    }
}
