package dev.streamrec.app.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.micronaut.context.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;

class StreamsPropertyCheckTest {

    @Test
    void shouldAcceptSettingsUnderTheDefaultStream() {
        assertThatCode(() -> StreamsPropertyCheck.check(Map.of("default.num.stream.threads", 2,
                "default.application.id", "x"))).doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseASettingWithoutTheDefaultPrefixInOneLine() {
        assertThatThrownBy(() -> StreamsPropertyCheck.check(Map.of("default.application.id", "x",
                "num.stream.threads", 2, "statestore.cache.max.bytes", 0)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("kafka.streams.num.stream.threads")
                .hasMessageContaining("kafka.streams.statestore.cache.max.bytes")
                .hasMessageContaining("kafka.streams.default.num.stream.threads")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
