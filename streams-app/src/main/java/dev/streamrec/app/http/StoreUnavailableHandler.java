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
class StoreUnavailableHandler implements ExceptionHandler<StoreUnavailableException, HttpResponse<Views.ErrorView>> {

    @Override
    public HttpResponse<Views.ErrorView> handle(HttpRequest request, StoreUnavailableException exception) {
        return HttpResponse.<Views.ErrorView>status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "1")
                .body(new Views.ErrorView("unavailable", exception.getMessage(), null));
    }
}
