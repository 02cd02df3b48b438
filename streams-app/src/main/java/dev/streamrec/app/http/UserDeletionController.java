package dev.streamrec.app.http;

import dev.streamrec.app.privacy.UserDeletions;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * {@code DELETE /users/{userId}} (admin token, on {@code streamrec.admin.port} when set): publishes a
 * request to erase the user ({@code ?tenant=}: of that tenant; default {@code default}) to the {@code user-deletions} topic and answers 202 with where it went.
 * The user's stream task erases the state shortly after (any instance may take the request: the topic
 * routes it). 401/403 as the other admin routes, 414 for an over-long id, 503 when the broker does not
 * take the request (nothing was erased; retry).
 */
@Controller(value = "/users", port = "${streamrec.admin.port:}")
@ExecuteOn(TaskExecutors.BLOCKING) // waits for the broker's acknowledgement
class UserDeletionController {

    private final UserDeletions deletions;
    private final AdminToken adminToken;
    private final int maxIdLength;

    UserDeletionController(UserDeletions deletions, AdminToken adminToken,
                           @Value("${streamrec.http.max-id-length}") int maxIdLength) {
        this.deletions = deletions;
        this.adminToken = adminToken;
        this.maxIdLength = maxIdLength;
    }

    @Delete(uri = "/{userId}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> delete(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String userId,
                           @Nullable @QueryValue String tenant) {
        HttpResponse<?> denied = adminToken.refusal(authorization, body -> body);
        if (denied != null) {
            return denied;
        }
        if (userId.length() > maxIdLength) {
            return ErrorBody.response(HttpStatus.REQUEST_URI_TOO_LONG, "uri_too_long", "user id of " + userId.length()
                    + " characters; at most " + maxIdLength + " (streamrec.http.max-id-length)");
        }
        HttpResponse<?> badTenant = TenantParam.refusal(tenant, userId);
        if (badTenant != null) {
            return badTenant;
        }
        try {
            UserDeletions.Published p = deletions.request(tenant, userId);
            return HttpResponse.accepted().contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(new Views.DeletionView(p.userId(), p.tenantId(), p.requestedAt(), p.topic(), p.partition(),
                            p.offset()));
        } catch (UserDeletions.DeletionNotPublishedException e) {
            return ErrorBody.of(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage()).withUserId(userId).response()
                    .header(HttpHeaders.RETRY_AFTER, "1");
        }
    }
}
