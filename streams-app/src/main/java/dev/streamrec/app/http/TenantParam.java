package dev.streamrec.app.http;

import dev.streamrec.topics.TenantKeys;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;

/**
 * The {@code ?tenant=} query parameter of the user endpoints: absent means {@value TenantKeys#DEFAULT}.
 * A tenant id that is not a plain name, or a user id holding the key separator, is a 400: with it,
 * one tenant's key could name another tenant's user.
 */
final class TenantParam {

    private TenantParam() {
    }

    /** A 400 answer for a bad tenant or user id, or null when both are usable. */
    static HttpResponse<?> refusal(String tenant, String userId) {
        String problem = TenantKeys.tenantProblem(tenant);
        if (problem == null && !TenantKeys.scopable(userId)) {
            problem = "a user id may not contain '" + TenantKeys.SEPARATOR + "' (it separates tenant and id in keys)";
        }
        return problem == null ? null : ErrorBody.response(HttpStatus.BAD_REQUEST, "bad_request", problem);
    }
}
