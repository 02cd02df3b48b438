package dev.streamrec.app.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import dev.streamrec.console.CommandError;
import org.junit.jupiter.api.Test;

class StreamsPropertyCheckTest {

    @Test
    void shouldAcceptSettingsUnderTheDefaultStream() {
        assertThatCode(() -> StreamsPropertyCheck.check(Map.of("default.num.stream.threads", 2,
                "default.application.id", "x"))).doesNotThrowAnyException();
    }

    @Test
    void shouldAcceptTheSpellingsDerivedFromAnEnvironmentVariable() {
        // KAFKA_STREAMS_DEFAULT_NUM_STREAM_THREADS reaches the Properties view under every spelling Micronaut derives
        assertThatCode(() -> StreamsPropertyCheck.check(Map.of("default.num.stream.threads", "1",
                "default-num-stream-threads", "1", "default-num.stream.threads", "1"))).doesNotThrowAnyException();
        // and a misplaced one (KAFKA_STREAMS_NUM_STREAM_THREADS) is named once
        assertThatThrownBy(() -> StreamsPropertyCheck.check(Map.of("num.stream.threads", "1", "num-stream-threads", "1",
                "num.stream-threads", "1", "close-timeout", "5s")))
                .hasMessageContaining("[kafka.streams.close-timeout, kafka.streams.num.stream.threads]");
    }

    @Test
    void shouldRefuseASettingWithoutTheDefaultPrefixInOneLine() {
        assertThatThrownBy(() -> StreamsPropertyCheck.check(Map.of("default.application.id", "x",
                "num.stream.threads", 2, "statestore.cache.max.bytes", 0)))
                .isInstanceOf(CommandError.class)
                .hasMessageContaining("kafka.streams.num.stream.threads")
                .hasMessageContaining("kafka.streams.statestore.cache.max.bytes")
                .hasMessageContaining("kafka.streams.default.num.stream.threads")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void shouldRefuseNoTaskIdlingBecauseItWouldBreakErasureOrder() {
        assertThatThrownBy(() -> StreamsPropertyCheck.check(Map.of("default.max.task.idle.ms", "-1")))
                .isInstanceOf(CommandError.class)
                .hasMessageContaining("kafka.streams.default.max.task.idle.ms -1")
                .hasMessageContaining("erasure")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
        assertThatThrownBy(() -> StreamsPropertyCheck.check(Map.of("default.max.task.idle.ms", -1)))
                .isInstanceOf(CommandError.class);
        assertThatCode(() -> StreamsPropertyCheck.check(Map.of("default.max.task.idle.ms", 0))).doesNotThrowAnyException();
        assertThatCode(() -> StreamsPropertyCheck.check(Map.of("default.max.task.idle.ms", "500"))).doesNotThrowAnyException();
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void shouldStopTheAppAtStartWhenAStreamsSettingLacksThePrefix() {
        // No broker is needed: the check runs before anything connects (Application.start).
        assertThatThrownBy(() -> dev.streamrec.app.Application.start(Map.of(
                "kafka.bootstrap.servers", "127.0.0.1:1",
                "micronaut.server.port", -1,
                "streamrec.topics.create-on-start", false,
                "kafka.streams.num.stream.threads", 2)).close())
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(rootMessage(e))
                        .contains("kafka.streams.num.stream.threads").contains("kafka.streams.default.num.stream.threads"));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
