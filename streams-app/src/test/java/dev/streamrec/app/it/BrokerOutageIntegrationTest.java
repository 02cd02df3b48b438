package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.streamrec.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Readiness follows the cluster: Kafka Streams stays RUNNING through a broker outage (its threads
 * only retry), so readiness used to stay UP for as long as the outage lasted. This test has a broker
 * of its own, since it stops it.
 */
@Tag("integration")
class BrokerOutageIntegrationTest {

    @Test
    @Timeout(180)
    void shouldTurnReadinessDownWithinTenSecondsOfABrokerOutageWhileLivenessStaysUp() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
        TestApp app = new TestApp(broker.bootstrapServers(), Map.of("kafka.streams.default.close-timeout", "5s"));
        boolean brokerStopped = false;
        try {
            app.start();
            TestApp.await("readiness UP", Duration.ofSeconds(30), () -> status(app, "/health/readiness") == 200);

            // when the broker goes away
            broker.close();
            brokerStopped = true;
            long stopped = System.nanoTime();

            // then readiness is DOWN within 10 s, and liveness is not (a restart would not bring the broker back)
            TestApp.await("readiness DOWN", Duration.ofSeconds(10), () -> status(app, "/health/readiness") == 503);
            System.out.println("readiness DOWN " + (System.nanoTime() - stopped) / 1_000_000 + " ms after the broker stopped");
            HttpResponse<String> ready = PoisonRecordIntegrationTest.get(app, "/health/readiness");
            assertThat(ready.body()).contains("streamrec-broker").contains("no answer from the cluster");
            assertThat(status(app, "/health/liveness")).isEqualTo(200);
        } finally {
            app.stop();
            if (!brokerStopped) {
                broker.close();
            }
        }
    }

    private static int status(TestApp app, String path) {
        try {
            return PoisonRecordIntegrationTest.get(app, path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }
}
