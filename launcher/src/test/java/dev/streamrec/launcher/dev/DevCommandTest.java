package dev.streamrec.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.streamrec.app.Main;
import io.micronaut.runtime.server.EmbeddedServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The embedded run as a new user starts it: recommendations within 60 s, counters that grow. */
@Tag("integration")
class DevCommandTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    @Timeout(180)
    void shouldServeRecommendationsForASimulatedUserWithinAMinute() throws Exception {
        DevCommand dev = new DevCommand();
        CommandLine cli = new CommandLine(dev);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        long started = System.nanoTime();
        Future<Integer> exit = runner.submit(() -> cli.execute("--port", "0", "--kafka-port", "0",
                "--data-dir", dataDir.toString(), "--rate", "300"));
        try {
            while (dev.context() == null || !dev.context().isRunning()) {
                assertThat(exit.isDone()).as("dev exited early").isFalse();
                Thread.sleep(100);
            }
            String base = "http://localhost:" + dev.context().getBean(EmbeddedServer.class).getPort();

            // a simulated user gets a non-empty list within 60 s of the command starting
            String body = null;
            while (System.nanoTime() - started < Duration.ofSeconds(60).toNanos()) {
                body = nonEmptyRecommendationsOfAnyUser(base);
                if (body != null) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(body).as("non-empty recommendations within 60 s").isNotNull().contains("itemId");

            // the counters an operator looks at are there and grow
            String first = get(base + "/prometheus").body();
            Thread.sleep(3_000);
            String second = get(base + "/prometheus").body();
            for (String counter : new String[] {"streamrec_events_in_total", "streamrec_recommendations_out_total"}) {
                assertThat(sum(second, counter)).as(counter + " grows").isGreaterThan(sum(first, counter));
            }
            assertThat(second).as("DLQ counter exported").contains("streamrec_dlq_records_total");
        } finally {
            dev.requestStop();
            assertThat(exit.get()).as("exit code after a clean stop").isZero();
            runner.shutdown();
        }
    }

    private static String nonEmptyRecommendationsOfAnyUser(String base) throws Exception {
        for (int u = 0; u < 2000; u += 7) {
            HttpResponse<String> r = get(base + "/recommendations/user-" + u + "?k=5");
            if (r.statusCode() == 200 && r.body().contains("itemId")) {
                return r.body();
            }
            if (u > 200) {
                break;
            }
        }
        return null;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sum of every sample of a Prometheus counter family in an exposition text. */
    static double sum(String exposition, String name) {
        double total = 0;
        Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(exposition);
        while (m.find()) {
            total += Double.parseDouble(m.group(2));
        }
        return total;
    }
}
