package dev.streamrec.app.http;

/** A store cannot be queried right now (Kafka Streams starting, rebalancing or stopped): HTTP 503. */
final class StoreUnavailableException extends RuntimeException {

    StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
