package dev.streamrec.app.http;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** 503 with a JSON body and {@code Retry-After} when a store cannot be queried yet. */
@Produces
@Singleton
class StoreUnavailableHandler implements ExceptionHandler<StoreUnavailableException, HttpResponse<ErrorBody>> {

    @Override
    public HttpResponse<ErrorBody> handle(HttpRequest request, StoreUnavailableException exception) {
        return ErrorBody.response(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", exception.getMessage())
                .header("Retry-After", "1");
    }
}
