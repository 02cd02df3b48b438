package dev.streamrec.app.config;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.streamrec.console.CommandError;

/**
 * Refuses Kafka Streams settings that micronaut-kafka would silently ignore: only
 * {@code kafka.streams.default.*} reaches the app's Kafka Streams instance, so
 * {@code kafka.streams.num.stream.threads} (or {@code num.stream.threads} nested under
 * {@code kafka.streams} in YAML) would change nothing while looking applied. Also refuses
 * {@code max.task.idle.ms} -1, which would break user erasure (see {@link #IDLE}).
 */
public final class StreamsPropertyCheck {

    /**
     * With -1 a user-side task takes whatever is buffered without waiting for a partition known to hold more: an
     * erasure request (user-deletions) could then be applied before older events of the user still on the broker
     * (after a reset, for one), and those would rebuild the erased history. TOPOLOGY.md, "Erasing users".
     */
    static final String IDLE = "default.max.task.idle.ms";

    private StreamsPropertyCheck() {
    }

    /**
     * @param underKafkaStreams the properties under {@code kafka.streams}, keys relative to it, as the app's Kafka
     *                          Streams configuration resolves them (environment variables included)
     * @throws CommandError naming every misplaced key and where it belongs, in one line
     */
    public static void check(Map<?, ?> underKafkaStreams) {
        // An environment variable (KAFKA_STREAMS_X_Y) reaches the view under every spelling Micronaut derives from it
        // (x.y, x-y): "default-..." ones are fine, and a misplaced one is named once, by its spelling with fewest '-'.
        Map<String, String> misplacedBySpelling = new TreeMap<>();
        for (Object k : underKafkaStreams.keySet()) {
            String key = k.toString();
            if (!key.equals("default") && !key.startsWith("default.") && !key.startsWith("default-")) {
                misplacedBySpelling.merge(key.replace('-', '.'), key, (a, b) -> hyphens(a) <= hyphens(b) ? a : b);
            }
        }
        TreeSet<String> misplaced = new TreeSet<>(misplacedBySpelling.values());
        if (!misplaced.isEmpty()) {
            String first = misplaced.first();
            throw new CommandError("Kafka Streams setting(s) " + misplaced.stream().map(k -> "kafka.streams." + k)
                    .toList() + " would be ignored: they need the kafka.streams.default. prefix (e.g. kafka.streams.default."
                    + first + ")");
        }
        Object idle = underKafkaStreams.get(IDLE);
        if (idle != null && String.valueOf(idle).trim().equals("-1")) {
            throw new CommandError("kafka.streams." + IDLE + " -1 would let a user's erasure request be applied"
                    + " before older events of the user that are still on the broker, which would rebuild the erased history:"
                    + " use 0 (the default) or more");
        }
    }

    private static long hyphens(String key) {
        return key.chars().filter(c -> c == '-').count();
    }
}
