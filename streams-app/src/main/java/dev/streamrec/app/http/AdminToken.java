package dev.streamrec.app.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.UnaryOperator;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;

/**
 * The admin token check of every admin route ({@code /models/**}, {@code DELETE /users/{userId}}):
 * {@code Authorization: Bearer <streamrec.admin.token>}, compared in constant time; 401 without a
 * bearer token, 403 with a wrong one or when no token is configured (the admin API is then off).
 */
@Singleton
class AdminToken {

    private final byte[] token;

    AdminToken(@Value("${streamrec.admin.token:}") String token) {
        this.token = token == null ? new byte[0] : token.trim().getBytes(StandardCharsets.UTF_8);
    }

    /** Null when {@code authorization} carries the admin token, else the 401/403 answer, its body passed through {@code body}. */
    MutableHttpResponse<ErrorBody> refusal(String authorization, UnaryOperator<ErrorBody> body) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return body.apply(ErrorBody.of(HttpStatus.UNAUTHORIZED, "unauthorized",
                            "send Authorization: Bearer <streamrec.admin.token>")).response()
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"streamrec-admin\"");
        }
        if (token.length == 0) {
            return body.apply(ErrorBody.of(HttpStatus.FORBIDDEN, "forbidden",
                    "the admin API is off: streamrec.admin.token is not set")).response();
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) { // constant time
            return body.apply(ErrorBody.of(HttpStatus.FORBIDDEN, "forbidden", "wrong admin token")).response();
        }
        return null;
    }
}
