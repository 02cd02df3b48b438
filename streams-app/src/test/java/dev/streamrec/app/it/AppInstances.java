package dev.streamrec.app.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Several instances of one deployment, as separate application contexts in this JVM (or, for the
 * one a test kills, a JVM of its own): the same application id and topics, each with its own state
 * directory, HTTP port and {@code application.server} ({@code localhost:<port>}), so Kafka Streams
 * shares the partitions between them and each can tell a query where a key lives.
 */
final class AppInstances {

    /** The first instance; its id and topic names are the deployment's. */
    final TestApp first;
    private final String bootstrap;
    private final Map<String, Object> shared = new HashMap<>();

    /**
     * @param extra settings of every instance (standby replicas, replication...)
     */
    AppInstances(String bootstrap, Map<String, Object> extra) {
        this.bootstrap = bootstrap;
        this.first = new TestApp(bootstrap, extra);
        shared.putAll(extra);
        shared.put("kafka.streams.default.application.id", first.id);
        for (String t : List.of("user-events", "item-catalog", "recommendations", "model-updates", "user-events-dlq",
                "user-deletions", "experiments")) {
            shared.put("streamrec.topics." + t + ".name", first.topic(t));
        }
        addressed(first);
    }

    /** Another instance of the deployment (not started), with its own state directory and port. */
    TestApp another() {
        return addressed(new TestApp(bootstrap, shared));
    }

    private static TestApp addressed(TestApp app) {
        int port = freePort();
        app.properties.put("micronaut.server.port", port);
        app.properties.put("kafka.streams.default.application.server", "localhost:" + port);
        return app;
    }

    /**
     * Starts {@code app}'s configuration in a JVM of its own ({@link ChildApp}), which a test can
     * SIGKILL: no shutdown hook, no commit, no leaving the group.
     */
    static Process startChild(TestApp app, Path work, String name) {
        try {
            Path props = work.resolve(name + ".properties");
            Properties p = new Properties();
            app.properties.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
            try (OutputStream out = Files.newOutputStream(props)) {
                p.store(out, name);
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            return new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx768m",
                    "-cp", System.getProperty("java.class.path"), ChildApp.class.getName(), props.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    static int port(TestApp app) {
        return Integer.parseInt(String.valueOf(app.properties.get("micronaut.server.port")));
    }

    static String url(TestApp app) {
        return "http://localhost:" + port(app);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
