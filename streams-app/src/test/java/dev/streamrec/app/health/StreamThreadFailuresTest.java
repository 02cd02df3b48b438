package dev.streamrec.app.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class StreamThreadFailuresTest {

    @Test
    void shouldAnswerTheConfiguredResponseAndCountDeathsWithinTheWindow() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        StreamThreadFailures failures = new StreamThreadFailures("replace_thread", Duration.ofMillis(300), registry);

        assertThat(failures.handler().handle(new IllegalStateException("boom", new RuntimeException("root"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        failures.handler().handle(new IllegalStateException("boom"));
        assertThat(failures.recentFailures()).isEqualTo(2);
        assertThat(registry.get("streamrec.stream.thread.failures").functionCounter().count()).isEqualTo(2.0);

        Thread.sleep(400);
        assertThat(failures.recentFailures()).as("out of the window").isZero();
        assertThat(failures.totalFailures()).as("the total stays").isEqualTo(2);
    }
}
