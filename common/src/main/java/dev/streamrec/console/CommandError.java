package dev.streamrec.console;

/**
 * An expected failure of a command (unreachable broker, bad input file, port or directory in use):
 * its message is the one line the user reads, naming the cause; command lines print it without a
 * stack trace and exit with status 1. Unexpected failures keep their stack trace.
 */
public final class CommandError extends RuntimeException {

    public CommandError(String message) {
        super(message, null, false, false);
    }

    /** The first {@link CommandError} in a cause chain (frameworks wrap what a command throws), or null. */
    public static CommandError in(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CommandError e) {
                return e;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
