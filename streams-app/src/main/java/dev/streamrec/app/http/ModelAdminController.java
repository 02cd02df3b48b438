package dev.streamrec.app.http;

import java.util.List;
import java.util.Map;

import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.model.ModelManager.AdminResult;
import dev.streamrec.app.scoring.ModelRejectedException;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Model admin API of this instance:
 * <ul>
 *   <li>{@code GET /models/current}: the serving model (name, version, device, loadedAt, metrics,
 *       pinned version, versions announced); the artifact {@code uri} only with the admin token;
 *       404 while the heuristic serves;</li>
 *   <li>{@code POST /models/pin/{version}}: serve an announced version and stop following
 *       (404 listing the announced versions when unknown; 422 when it was refused before);</li>
 *   <li>{@code POST /models/rollback}: back to the version served before, pinned (409 when there is none);</li>
 *   <li>{@code DELETE /models/pin}: follow model-updates again;</li>
 *   <li>{@code POST /models/retry/{version}}: forget that a version was refused and load it now if
 *       following would (refused announcements are otherwise never fetched again).</li>
 * </ul>
 * Changes need {@code Authorization: Bearer <streamrec.admin.token>}: 401 without a bearer token,
 * 403 with a wrong one or when no token is configured (the admin API is then off). A model refused
 * while loading answers 422 (its checks failed or it is not trusted) or 502 (its download failed);
 * the previous model keeps serving. Every error body is an {@link ErrorBody} with the announced
 * versions in {@code available}. Each instance serves its own models: call every instance (or
 * publish to model-updates for all of them).
 *
 * <p>With {@code streamrec.admin.port} set, these routes answer only on that port (Micronaut binds
 * it next to {@code micronaut.server.port}, on the same host), so a firewall can keep them internal.
 */
@Controller(value = "/models", port = "${streamrec.admin.port:}")
@ExecuteOn(TaskExecutors.BLOCKING) // pin and rollback wait for a model load
class ModelAdminController {

    /** The serving model. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ModelView(String name, String version, String device, String loadedAt, Map<String, Double> metrics,
                     String uri, String pinned, List<String> available) {
    }

    private final ModelManager models;
    private final AdminToken adminToken;

    ModelAdminController(ModelManager models, AdminToken adminToken) {
        this.models = models;
        this.adminToken = adminToken;
    }

    @Get(uri = "/current", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> current(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        boolean admin = authorize(authorization) == null;
        return models.status().<HttpResponse<?>>map(s -> HttpResponse.ok(view(s, admin)))
                .orElseGet(() -> error(HttpStatus.NOT_FOUND, "not_found",
                        "no model loaded yet: recommendations come from the heuristic ranker"));
    }

    @Post(uri = "/pin/{version}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> pin(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String version) {
        HttpResponse<?> denied = authorize(authorization);
        return denied != null ? denied : answer(models.pin(version));
    }

    @Post(uri = "/rollback", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> rollback(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        HttpResponse<?> denied = authorize(authorization);
        return denied != null ? denied : answer(models.rollback());
    }

    @Delete(uri = "/pin", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> unpin(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        HttpResponse<?> denied = authorize(authorization);
        return denied != null ? denied : answer(models.unpin());
    }

    @Post(uri = "/retry/{version}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> retry(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String version) {
        HttpResponse<?> denied = authorize(authorization);
        return denied != null ? denied : answer(models.retry(version));
    }

    /** Null when {@code authorization} carries the admin token, else the 401/403 answer. */
    private HttpResponse<?> authorize(String authorization) {
        return adminToken.refusal(authorization, body -> body.withAvailable(models.availableVersions()));
    }

    private HttpResponse<?> answer(AdminResult result) {
        return switch (result) {
            case AdminResult.Serving s -> HttpResponse.ok(view(s.status(), true));
            case AdminResult.UnknownVersion u -> ErrorBody.of(HttpStatus.NOT_FOUND, "not_found",
                    "no model version '" + u.version() + "' was announced on model-updates; available: " + u.available())
                    .withAvailable(u.available()).response();
            case AdminResult.Impossible i -> error(HttpStatus.CONFLICT, "conflict", i.message());
            case AdminResult.Refused r -> error(r.reason() == ModelRejectedException.Reason.DOWNLOAD
                    ? HttpStatus.BAD_GATEWAY : HttpStatus.UNPROCESSABLE_ENTITY, "refused_" + r.reason().label(), r.message());
        };
    }

    private MutableHttpResponse<ErrorBody> error(HttpStatus status, String code, String message) {
        return ErrorBody.of(status, code, message).withAvailable(models.availableVersions()).response();
    }

    private static ModelView view(ModelManager.ModelStatus s, boolean admin) {
        return new ModelView(s.name(), s.version(), s.device(), s.loadedAt().toString(), s.metrics(),
                admin ? s.uri() : null, s.pinned(), s.available());
    }
}
