package dev.streamrec.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings beyond the bootstrap servers (security: {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}), read from a properties file as Kafka's own tools take them
 * ({@code --command-config}), and merged into a client's configuration.
 */
public final class ClientProperties {

    private ClientProperties() {
    }

    /** The file's properties; null gives none. */
    public static Map<String, String> load(Path file) {
        Map<String, String> out = new HashMap<>();
        if (file == null) {
            return out;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka client properties " + file + ": " + e.getMessage(), e);
        }
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    /** {@code settings} plus the bootstrap servers, as a client's configuration. */
    public static Properties with(String bootstrapServers, Map<String, String> settings) {
        Properties p = new Properties();
        p.putAll(settings);
        p.put("bootstrap.servers", bootstrapServers);
        return p;
    }
}
