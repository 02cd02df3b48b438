package dev.streamrec.app.config;

import java.util.Map;
import java.util.TreeSet;

import io.micronaut.context.exceptions.ConfigurationException;

/**
 * Refuses Kafka Streams settings that micronaut-kafka would silently ignore: only
 * {@code kafka.streams.default.*} reaches the app's Kafka Streams instance, so
 * {@code kafka.streams.num.stream.threads} (or {@code num.stream.threads} nested under
 * {@code kafka.streams} in YAML) would change nothing while looking applied.
 */
public final class StreamsPropertyCheck {

    private StreamsPropertyCheck() {
    }

    /**
     * @param underKafkaStreams the properties under {@code kafka.streams}, keys relative to it
     * @throws ConfigurationException naming every misplaced key and where it belongs, in one line
     */
    public static void check(Map<String, Object> underKafkaStreams) {
        TreeSet<String> misplaced = new TreeSet<>();
        for (String key : underKafkaStreams.keySet()) {
            if (!key.equals("default") && !key.startsWith("default.")) {
                misplaced.add(key);
            }
        }
        if (!misplaced.isEmpty()) {
            String first = misplaced.first();
            throw new ConfigurationException("Kafka Streams setting(s) " + misplaced.stream().map(k -> "kafka.streams." + k)
                    .toList() + " would be ignored: they need the kafka.streams.default. prefix (e.g. kafka.streams.default."
                    + first + ")");
        }
    }
}
