package dev.streamrec.app.http;

import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The one JSON error body of every 4xx and 5xx answer, from the controllers and from the framework
 * alike ({@link JsonErrorResponses}): {@code {"error": "<stable code>", "message": "<for people>",
 * "status": <HTTP status>}}, plus {@code userId} or {@code available} (announced model versions)
 * where they help. Serialised by the JSON library, never concatenated.
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
record ErrorBody(String error, String message, int status, String userId, List<String> available) {

    static ErrorBody of(HttpStatus status, String error, String message) {
        return new ErrorBody(error, message, status.getCode(), null, null);
    }

    /** A response with this body and its status. */
    MutableHttpResponse<ErrorBody> response() {
        return HttpResponse.<ErrorBody>status(HttpStatus.valueOf(status)).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(this);
    }

    static MutableHttpResponse<ErrorBody> response(HttpStatus status, String error, String message) {
        return of(status, error, message).response();
    }

    ErrorBody withUserId(String user) {
        return new ErrorBody(error, message, status, user, available);
    }

    ErrorBody withAvailable(List<String> versions) {
        return new ErrorBody(error, message, status, userId, versions);
    }

    /** The code of a status without a more specific one: its reason phrase in snake case ({@code not_found}). */
    static String code(HttpStatus status) {
        if (status == HttpStatus.REQUEST_URI_TOO_LONG) {
            return "uri_too_long"; // the name RFC 9110 gives it, and what the controllers answer
        }
        return status.getReason().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    }
}
