package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing the application context closes every Kafka client the app opened: none of their threads outlives it.
 * An admin client left running retries a broker that has gone (as the in-process one of {@code dev} does right after
 * the app) and logs "Connection to node ... could not be established" until the JVM exits; in a JVM that starts and
 * stops apps, as tests do, each left one is a thread for good.
 */
@Tag("integration")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ClientShutdownIntegrationTest {

    @Test
    void shouldCloseEveryKafkaClientWhenTheContextCloses() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of());
        try {
            app.start();
            assertThat(kafkaClientThreadsNotIn(before)).as("the app's clients run").isNotEmpty();
        } finally {
            app.stop();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!kafkaClientThreadsNotIn(before).isEmpty() && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(kafkaClientThreadsNotIn(before)).as("Kafka client threads of the app still alive 15 s after close").isEmpty();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Names of live threads of Kafka's clients (producers, consumers, admin clients, stream threads) started since. */
    private static List<String> kafkaClientThreadsNotIn(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName)
                .filter(n -> n.startsWith("kafka-admin-client-thread") || n.startsWith("kafka-producer-network-thread")
                        || n.contains("StreamThread") || n.contains("GlobalStreamThread"))
                .sorted()
                .collect(Collectors.toList());
    }
}
