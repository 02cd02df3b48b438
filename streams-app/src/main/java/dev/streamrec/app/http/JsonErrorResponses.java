package dev.streamrec.app.http;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.handler.codec.http.TooLongHttpLineException;
import jakarta.inject.Singleton;

/**
 * The global error handler: every error answer the framework makes (no route, wrong method, a query
 * value that does not convert such as {@code ?k=abc}, a request line or header over Netty's limits,
 * an unhandled exception) gets the app's {@link ErrorBody} instead of Micronaut's own format. A
 * request line longer than {@code micronaut.server.netty.max-initial-line-length} is answered 414
 * (Netty's decoder reports it as a too-long frame, which Micronaut would answer 413). An unhandled
 * exception's message is not shown (Micronaut logs it); the body says to look at the log.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
class JsonErrorResponses implements ErrorResponseProcessor<ErrorBody> {

    @Override
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext context, MutableHttpResponse<?> base) {
        HttpStatus status = base.getStatus();
        String message;
        if (status == HttpStatus.REQUEST_ENTITY_TOO_LARGE && requestLineTooLong(context.getRequest())) {
            status = HttpStatus.REQUEST_URI_TOO_LONG;
            message = "the request line (method, path and query) is too long";
        } else if (status.getCode() >= 500 && context.getRootCause().isPresent()) {
            message = "internal error (" + context.getRootCause().get().getClass().getSimpleName() + "); see the server log";
        } else if (context.hasErrors()) {
            message = String.join("; ", context.getErrors().stream().map(Error::getMessage).toList());
        } else {
            message = context.getRootCause().map(Throwable::getMessage).orElse(status.getReason());
        }
        return base.status(status).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ErrorBody.of(status, ErrorBody.code(status), message));
    }

    private static boolean requestLineTooLong(HttpRequest<?> request) {
        return request instanceof NettyHttpRequest<?> netty && netty.getNativeRequest().decoderResult().isFailure()
                && netty.getNativeRequest().decoderResult().cause() instanceof TooLongHttpLineException;
    }
}
