package dev.streamrec.app.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * Drops two kinds of Kafka WARN lines that say nothing to an operator; every other line passes.
 * <ul>
 *   <li>The consumer's {@code UNKNOWN_TOPIC_OR_PARTITION} warnings about Kafka Streams' own internal topics
 *       ({@code -repartition}, {@code -changelog}). On an application's first start its stream threads fetch
 *       metadata for those topics while the group leader is still creating them: a dozen WARN lines that resolve
 *       themselves within a second. The same warning about any other topic (an input topic that is missing)
 *       still shows.</li>
 *   <li>The in-process broker's "Attempting to close NetworkClient that has already been closed" from its
 *       controller channel ({@code [NodeToControllerChannelManager ...]}) at every orderly stop of {@code dev},
 *       {@code broker} and {@code bench}: Kafka 4.2's broker shutdown closes that client twice.</li>
 * </ul>
 *
 * <p>An appender filter, so it sees only events that passed their logger's level. As a turbo filter it was
 * asked about every {@code isTraceEnabled()} on Kafka's hot paths too: 1.5% of the stream threads' CPU
 * (BENCHMARKS.md, issue 11, session 23).
 */
public final class KafkaNoiseFilter extends Filter<ILoggingEvent> {

    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

    @Override
    public FilterReply decide(ILoggingEvent event) {
        String message = event.getMessage();
        if (event.getLevel() != Level.WARN || message == null || !NETWORK_CLIENT.equals(event.getLoggerName())) {
            return FilterReply.NEUTRAL;
        }
        if (message.startsWith("[NodeToControllerChannelManager ")
                && message.endsWith("Attempting to close NetworkClient that has already been closed.")) {
            return FilterReply.DENY;
        }
        if (!message.contains("reported a recoverable issue")) {
            return FilterReply.NEUTRAL;
        }
        // Kafka's LogContext hands the message over formatted, without its arguments: "... : {topic=ERROR, ...}"
        int open = message.lastIndexOf(": {");
        return open >= 0 && message.endsWith("}") && onlyInternalTopics(message.substring(open + 3, message.length() - 1))
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
