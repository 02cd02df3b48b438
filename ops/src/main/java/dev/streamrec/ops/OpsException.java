package dev.streamrec.ops;

/**
 * An expected failure of an on-call command (unknown topic, active consumer group, ...). Its message
 * is one line meant for the operator; the commands print it without a stack trace and exit 1.
 */
public class OpsException extends RuntimeException {

    public OpsException(String message) {
        super(message);
    }

    public OpsException(String message, Throwable cause) {
        super(message, cause);
    }
}
