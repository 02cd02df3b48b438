package dev.streamrec.launcher.dev;

import java.net.URL;
import java.nio.file.Path;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sends every log line of {@code dev} to a file ({@code logback-dev.xml}, same levels as the console
 * configuration), because its console is a live view; {@link #close()} restores the console
 * configuration (tests run {@code dev} inside a longer-lived JVM).
 */
public final class DevLogging implements AutoCloseable {

    private final LoggerContext context;

    private DevLogging(LoggerContext context) {
        this.context = context;
    }

    /** Logs to {@code file} from now on; a no-op when the logging backend is not Logback. */
    public static DevLogging toFile(Path file) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext ctx)) {
            return new DevLogging(null);
        }
        configure(ctx, DevLogging.class.getResource("/logback-dev.xml"), file);
        return new DevLogging(ctx);
    }

    private static void configure(LoggerContext ctx, URL config, Path file) {
        ctx.reset();
        ctx.putProperty("DEV_LOG_FILE", file.toAbsolutePath().toString());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("bad logging configuration " + config, e);
        }
    }

    @Override
    public void close() {
        if (context == null) {
            return;
        }
        context.reset();
        try {
            new ContextInitializer(context).autoConfig();
        } catch (JoranException e) {
            throw new IllegalStateException("could not restore the logging configuration", e);
        }
    }
}
