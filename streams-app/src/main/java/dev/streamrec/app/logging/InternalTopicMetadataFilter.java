package dev.streamrec.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the consumer's {@code UNKNOWN_TOPIC_OR_PARTITION} warnings about Kafka Streams' own internal topics
 * ({@code -repartition}, {@code -changelog}). On an application's first start its stream threads fetch metadata
 * for those topics while the group leader is still creating them: a dozen WARN lines that resolve themselves
 * within a second. The same warning about any other topic (an input topic that is missing) still shows.
 */
public final class InternalTopicMetadataFilter extends TurboFilter {

    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != Level.WARN || format == null || !NETWORK_CLIENT.equals(logger.getName())
                || !format.contains("reported a recoverable issue")) {
            return FilterReply.NEUTRAL;
        }
        // Kafka's LogContext hands the message over formatted, without its arguments: "... : {topic=ERROR, ...}"
        int open = format.lastIndexOf(": {");
        return open >= 0 && format.endsWith("}") && onlyInternalTopics(format.substring(open + 3, format.length() - 1))
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }

    /** Every entry of {@code topic=ERROR, ...} an internal topic of Kafka Streams with UNKNOWN_TOPIC_OR_PARTITION. */
    static boolean onlyInternalTopics(String errors) {
        if (errors.isBlank()) {
            return false;
        }
        for (String entry : errors.split(", ")) {
            int eq = entry.lastIndexOf('=');
            String topic = eq < 0 ? entry : entry.substring(0, eq);
            if (!(topic.endsWith("-repartition") || topic.endsWith("-changelog"))
                    || !entry.substring(eq + 1).equals("UNKNOWN_TOPIC_OR_PARTITION")) {
                return false;
            }
        }
        return true;
    }
}
