package dev.streamrec.app.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.model.ModelManager.AdminResult;
import dev.streamrec.app.scoring.ModelRejectedException;
import io.micronaut.context.annotation.Value;
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
 *       uri, pinned version, versions announced); 404 while the heuristic serves;</li>
 *   <li>{@code POST /models/pin/{version}}: serve an announced version and stop following
 *       (404 listing the announced versions when unknown);</li>
 *   <li>{@code POST /models/rollback}: back to the version served before, pinned (409 when there is none);</li>
 *   <li>{@code DELETE /models/pin}: follow model-updates again.</li>
 * </ul>
 * Changes need {@code Authorization: Bearer <streamrec.admin.token>}: 401 without a bearer token,
 * 403 with a wrong one or when no token is configured (the admin API is then off). A model refused
 * while loading answers 422 (its checks failed) or 502 (its download failed); the previous model
 * keeps serving. Every error body is {@code {"error", "message", "available"}}. Each instance
 * serves its own models: call every instance (or publish to model-updates for all of them).
 */
@Controller("/models")
@ExecuteOn(TaskExecutors.BLOCKING) // pin and rollback wait for a model load
class ModelAdminController {

    /** The serving model. */
    @Serdeable
    record ModelView(String name, String version, String device, String loadedAt, Map<String, Double> metrics,
                     String uri, String pinned, List<String> available) {
    }

    /** Every error body of this API. */
    @Serdeable
    record AdminError(String error, String message, List<String> available) {
    }

    private final ModelManager models;
    private final byte[] token;

    ModelAdminController(ModelManager models, @Value("${streamrec.admin.token:}") String token) {
        this.models = models;
        this.token = token == null ? new byte[0] : token.trim().getBytes(StandardCharsets.UTF_8);
    }

    @Get(uri = "/current", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> current() {
        return models.status().<HttpResponse<?>>map(s -> HttpResponse.ok(view(s)))
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

    private HttpResponse<?> authorize(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return error(HttpStatus.UNAUTHORIZED, "unauthorized", "send Authorization: Bearer <streamrec.admin.token>")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"streamrec-admin\"");
        }
        if (token.length == 0) {
            return error(HttpStatus.FORBIDDEN, "forbidden", "the admin API is off: streamrec.admin.token is not set");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) { // constant time
            return error(HttpStatus.FORBIDDEN, "forbidden", "wrong admin token");
        }
        return null;
    }

    private HttpResponse<?> answer(AdminResult result) {
        return switch (result) {
            case AdminResult.Serving s -> HttpResponse.ok(view(s.status()));
            case AdminResult.UnknownVersion u -> HttpResponse.status(HttpStatus.NOT_FOUND).body(new AdminError("not_found",
                    "no model version '" + u.version() + "' was announced on model-updates; available: " + u.available(),
                    u.available()));
            case AdminResult.Impossible i -> error(HttpStatus.CONFLICT, "conflict", i.message());
            case AdminResult.Refused r -> error(r.reason() == ModelRejectedException.Reason.DOWNLOAD
                    ? HttpStatus.BAD_GATEWAY : HttpStatus.UNPROCESSABLE_ENTITY, "refused_" + r.reason().label(), r.message());
        };
    }

    private MutableHttpResponse<AdminError> error(HttpStatus status, String code, String message) {
        return HttpResponse.<AdminError>status(status).body(new AdminError(code, message, models.availableVersions()));
    }

    private static ModelView view(ModelManager.ModelStatus s) {
        return new ModelView(s.name(), s.version(), s.device(), s.loadedAt().toString(), s.metrics(), s.uri(), s.pinned(),
                s.available());
    }
}
