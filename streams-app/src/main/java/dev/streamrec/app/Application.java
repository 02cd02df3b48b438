package dev.streamrec.app;

import java.util.Map;

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

    private Application() {
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
                .start();
        try {
            ctx.findBean(EmbeddedApplication.class).ifPresent(app -> {
                if (!app.isRunning()) {
                    app.start();
                }
            });
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
        return ctx;
    }
}
