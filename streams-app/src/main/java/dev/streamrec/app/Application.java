package dev.streamrec.app;

import java.net.BindException;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamrec.console.CommandError;
import dev.streamrec.app.config.StreamsPropertyCheck;
import dev.streamrec.kafka.BrokerProbe;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;

/**
 * Starts the streams application: Micronaut with the HTTP server, management endpoints, metrics and
 * micronaut-kafka's Kafka Streams running the recommendation topology. The CLI ({@code Main serve}
 * and {@code dev}) calls {@link #start(Map)}; closing the returned context stops HTTP and Kafka
 * Streams cleanly (Kafka Streams commits and closes within {@code kafka.streams.default.close-timeout}).
 *
 * <pre>{@code
 * try (ApplicationContext ctx = Application.start(Map.of(
 *         "kafka.bootstrap.servers", "127.0.0.1:19092",
 *         "kafka.streams.default.application.id", "streamrec",
 *         "micronaut.server.port", 8080))) {
 *     StreamrecMetrics m = ctx.getBean(StreamrecMetrics.class); // live counters
 *     ...
 * }
 * }</pre>
 */
public final class Application {

    private static final String BOOTSTRAP = "kafka.bootstrap.servers";

    private Application() {
    }

    /** A bind failure of the HTTP server, said in one line; any other failure as it was. */
    private static RuntimeException portInUse(RuntimeException e, ApplicationContext ctx) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                String port = ctx.getEnvironment().getProperty("micronaut.server.port", String.class).orElse("8080");
                return new CommandError("HTTP port " + port + " is in use (micronaut.server.port, MICRONAUT_SERVER_PORT):"
                        + " stop what holds it or choose another port");
            }
        }
        return e;
    }

    /** Micronaut's words for a value it could not convert (in a multi-line message of the injection error). */
    private static final Pattern CONVERSION = Pattern.compile(
            "Error resolving property value \\[([^\\]]+)]\\. Unable to convert value \\[(.*?)] to target type \\[(.*?)] due to: ([^\\n]*)");

    /**
     * A setting the app cannot use, in one line instead of Micronaut's 80-110-line injection trace: a value Micronaut
     * could not convert, or one the app's settings refuse (their messages start with the key, e.g.
     * "streamrec.recommend.k must be > 0, was 0"). Any other failure as it was.
     */
    private static RuntimeException settingError(RuntimeException e) {
        for (Throwable c = e; c != null && c.getCause() != c; c = c.getCause()) {
            String message = c.getMessage();
            if (message == null) {
                continue;
            }
            if (c instanceof IllegalArgumentException && message.startsWith("streamrec.")) {
                return new CommandError("bad setting: " + message);
            }
            Matcher conversion = CONVERSION.matcher(message);
            if (conversion.find()) {
                return new CommandError("bad setting: " + conversion.group(1) + " '" + conversion.group(2) + "' cannot be read as "
                        + conversion.group(3) + " (" + conversion.group(4).strip() + ")");
            }
        }
        return e;
    }

    /**
     * Runs the application with {@code properties} overriding {@code application.yml} (and
     * environment variables / system properties, which override the file).
     *
     * @return the running context; {@link ApplicationContext#close()} stops everything
     */
    public static ApplicationContext start(Map<String, Object> properties) {
        // Not Micronaut.run/start: those register a JVM shutdown hook that stops the HTTP server while
        // the caller's own shutdown closes the context, and the two deadlock on each other's locks.
        // The caller (serve, dev, a test) owns shutdown: it closes the context it gets back.
        ApplicationContext ctx = ApplicationContext.builder()
                .mainClass(Application.class)
                .banner(false)
                .properties(properties)
                .build();
        // Configuration mistakes first (they need no broker), then the broker: Kafka's clients would retry
        // an unreachable one for minutes, then fail in a bean's constructor.
        io.micronaut.context.env.Environment env = ctx.getEnvironment().start();
        // As micronaut-kafka reads them (a Properties view): environment variables included, which
        // getProperties(..., RAW) leaves out.
        StreamsPropertyCheck.check(env.getProperty("kafka.streams", Properties.class).orElseGet(Properties::new));
        env.getProperty(BOOTSTRAP, String.class).ifPresent(servers ->
                BrokerProbe.requireReachable(servers, BOOTSTRAP + " (application.yml, KAFKA_BOOTSTRAP_SERVERS, MICRONAUT_CONFIG_FILES)"));
        try {
            ctx.start();
            ctx.findBean(EmbeddedApplication.class).ifPresent(app -> {
                if (!app.isRunning()) {
                    app.start();
                }
            });
        } catch (RuntimeException e) {
            if (ctx.isRunning()) {
                ctx.close();
            }
            throw settingError(portInUse(e, ctx));
        }
        return ctx;
    }
}
