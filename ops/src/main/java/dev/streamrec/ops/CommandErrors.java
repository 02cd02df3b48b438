package dev.streamrec.ops;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a command's body and turns expected failures into one line on stderr and exit code 1, so an
 * operator never sees a stack trace for a wrong topic name or an active group (the trace goes to the
 * debug log). Usage errors are picocli's: exit code 2.
 */
public final class CommandErrors {

    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private static final Logger LOG = LoggerFactory.getLogger(CommandErrors.class);

    private CommandErrors() {
    }

    public static int run(PrintWriter err, Callable<Integer> body) {
        try {
            return body.call();
        } catch (OpsException e) {
            LOG.debug("command failed", e);
            err.println("error: " + e.getMessage());
            err.flush();
            return FAILURE;
        } catch (KafkaException | IllegalArgumentException | IllegalStateException e) {
            LOG.debug("command failed", e);
            err.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            err.flush();
            return FAILURE;
        } catch (picocli.CommandLine.ParameterException e) {
            throw e; // picocli prints the usage and exits 2
        } catch (Exception e) {
            LOG.warn("command failed unexpectedly", e);
            err.println("error: " + e);
            err.flush();
            return FAILURE;
        }
    }
}
