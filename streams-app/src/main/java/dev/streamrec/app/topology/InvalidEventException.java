package dev.streamrec.app.topology;

/**
 * Thrown by the validation processor for an event that must not be processed. Kafka Streams hands
 * it to {@link DeadLetterProcessingHandler}, which writes the original record to the dead-letter
 * topic. An expected outcome, not a bug: it carries no stack trace.
 */
public final class InvalidEventException extends RuntimeException {

    private final RejectReason reason;

    public InvalidEventException(RejectReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
