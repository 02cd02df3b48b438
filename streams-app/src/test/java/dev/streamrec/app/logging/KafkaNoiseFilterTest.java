package dev.streamrec.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class KafkaNoiseFilterTest {

    /** As Kafka's LogContext passes it on: formatted, no arguments. */
    private static final String MESSAGE = "[Consumer clientId=streamrec-StreamThread-1-consumer, groupId=streamrec] The "
            + "metadata response from the cluster reported a recoverable issue with correlation id 2 : %s";
    private final LoggerContext context = new LoggerContext();
    private final Logger networkClient = context.getLogger("org.apache.kafka.clients.NetworkClient");
    private final KafkaNoiseFilter filter = new KafkaNoiseFilter();

    @Test
    void dropsTheFirstStartWarningsAboutInternalTopicsOnly() {
        // internal topics being created by the group leader: dropped
        assertThat(decide(Map.of("streamrec-item-signals-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "streamrec-user-history-changelog", Errors.UNKNOWN_TOPIC_OR_PARTITION))).isEqualTo(FilterReply.DENY);
        // a missing input topic, a mix, or another error about an internal topic: still logged
        assertThat(decide(Map.of("user-events", Errors.UNKNOWN_TOPIC_OR_PARTITION))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(Map.of("user-events", Errors.UNKNOWN_TOPIC_OR_PARTITION,
                "streamrec-item-signals-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(Map.of("streamrec-item-signals-repartition", Errors.TOPIC_AUTHORIZATION_FAILED)))
                .isEqualTo(FilterReply.NEUTRAL);
        // other loggers, levels and messages are not looked at
        String internal = MESSAGE.formatted(Map.of("x-repartition", Errors.UNKNOWN_TOPIC_OR_PARTITION));
        assertThat(decide(context.getLogger("dev.streamrec.app"), Level.WARN, internal)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(networkClient, Level.ERROR, internal)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(networkClient, Level.WARN, null)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(networkClient, Level.WARN, "Connection to node -1 could not be established."))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void dropsTheBrokersDoubleCloseWarningAtStopOnly() {
        assertThat(decide(networkClient, Level.WARN, "[NodeToControllerChannelManager id=1 name=registration] "
                + "Attempting to close NetworkClient that has already been closed.")).isEqualTo(FilterReply.DENY);
        // the same words from an app's client, or another line of the broker's channel: still logged
        assertThat(decide(networkClient, Level.WARN, "[Producer clientId=p] "
                + "Attempting to close NetworkClient that has already been closed.")).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide(networkClient, Level.WARN, "[NodeToControllerChannelManager id=1 name=registration] "
                + "Connection to node 1 could not be established.")).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void isAnAppenderFilterOfTheShippedConfigurationsNotATurboFilter() throws Exception {
        // A turbo filter is asked about every trace check on Kafka's hot paths (1.5% of the stream threads' CPU).
        for (String config : new String[] {"/logback.xml", "/logback-dev.xml", "/logback-levels.xml"}) {
            try (var in = getClass().getResourceAsStream(config)) {
                String xml = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(xml).as(config).doesNotContain("turboFilter");
                if (!config.contains("levels")) {
                    assertThat(xml).as(config).contains("<filter class=\"" + KafkaNoiseFilter.class.getName());
                }
            }
        }
    }

    private FilterReply decide(Map<String, Errors> errors) {
        return decide(networkClient, Level.WARN, MESSAGE.formatted(errors));
    }

    private FilterReply decide(Logger logger, Level level, String message) {
        return filter.decide(new LoggingEvent(Logger.class.getName(), logger, level, message, null, null));
    }
}
