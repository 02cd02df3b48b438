package dev.streamrec.app.http;

import java.net.URI;
import java.util.List;

import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.app.topology.History;
import dev.streamrec.avro.internal.UserHistory;
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
 * {@code GET /recommendations/{userId}?k=} (the latest list produced for the user, cut to k) and
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
                             @Value("${streamrec.http.max-id-length:256}") int maxIdLength) {
        this.stores = stores;
        this.defaultK = settings.recommendK();
        this.maxIdLength = maxIdLength;
    }

    @Get(uri = "/recommendations/{userId}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> recommendations(@PathVariable String userId, @Nullable @QueryValue Integer k) {
        HttpResponse<?> tooLong = tooLong(userId);
        if (tooLong != null) {
            return tooLong;
        }
        int limit = k == null ? defaultK : k;
        if (limit < 1) {
            return ErrorBody.of(HttpStatus.BAD_REQUEST, "bad_request", "k must be at least 1, was " + limit)
                    .withUserId(userId).response();
        }
        return switch (stores.<Recommendations>get(StreamrecTopology.RECOMMENDATIONS_STORE, userId)) {
            case StoreQueries.Lookup.Found<Recommendations> f -> HttpResponse.ok(view(f.value(), limit));
            case StoreQueries.Lookup.Missing<Recommendations> m -> notFound(userId, "no recommendations for user '"
                    + userId + "' (no valid event seen for this user)");
            case StoreQueries.Lookup.Elsewhere<Recommendations> e -> redirect(e, "/recommendations/" + userId, k);
        };
    }

    @Get(uri = "/users/{userId}/history", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> history(@PathVariable String userId) {
        HttpResponse<?> tooLong = tooLong(userId);
        if (tooLong != null) {
            return tooLong;
        }
        return switch (stores.<UserHistory>get(StreamrecTopology.HISTORY_STORE, userId)) {
            case StoreQueries.Lookup.Found<UserHistory> f -> HttpResponse.ok(view(userId, f.value()));
            case StoreQueries.Lookup.Missing<UserHistory> m -> notFound(userId, "no history for user '" + userId + "'");
            case StoreQueries.Lookup.Elsewhere<UserHistory> e -> redirect(e, "/users/" + userId + "/history", null);
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

    private static HttpResponse<?> redirect(StoreQueries.Lookup.Elsewhere<?> e, String path, Integer k) {
        UriBuilder uri = UriBuilder.of(URI.create("http://" + e.host().host() + ":" + e.host().port())).path(path);
        if (k != null) {
            uri.queryParam("k", k);
        }
        return HttpResponse.temporaryRedirect(uri.build());
    }

    private static Views.RecommendationsView view(Recommendations r, int k) {
        List<Views.RecommendedItemView> items = r.getItems().stream().limit(k)
                .map(i -> new Views.RecommendedItemView(i.getItemId(), i.getScore(), i.getReason())).toList();
        return new Views.RecommendationsView(r.getUserId(), r.getGeneratedAt(), r.getModelVersion(),
                r.getTriggerEventId(), items, r.getExperiment(), r.getVariant());
    }

    private static Views.HistoryView view(String userId, UserHistory stored) {
        History h = History.of(stored);
        List<Views.EventView> events = new java.util.ArrayList<>(h.size());
        for (int i = 0; i < h.size(); i++) {
            events.add(new Views.EventView(h.itemId(i), h.type(i).name(), h.timestamp(i)));
        }
        return new Views.HistoryView(userId, events, List.copyOf(h.purchased()));
    }
}
