package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL expression of every Grafana dashboard, evaluated by a real Prometheus server that
 * scrapes the running app while events flow: none may error or come back empty. Catches renamed
 * metrics, meters that only appear after rare events, and invalid PromQL before an on-call
 * engineer opens an empty panel. The Prometheus binary is found or provisioned by
 * {@link PrometheusBinary}, so the test runs (never skips) on a fresh Debian machine.
 */
@Tag("integration")
class DashboardQueriesIntegrationTest {

    private static final Path DASHBOARDS = Path.of("..", "grafana", "dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN_TOKEN = "dashboard-admin-token";

    @TempDir
    Path work;

    @Test
    @Timeout(300)
    void everyDashboardExpressionReturnsDataFromARealPrometheus() throws Exception {
        Path prometheus = PrometheusBinary.find(Path.of("target"));
        Map<String, String> expressions = dashboardExpressions();
        assertThat(expressions).as("expressions found in " + DASHBOARDS.toAbsolutePath()).isNotEmpty();

        KafkaTestCluster kafka = SharedKafka.cluster();
        TestApp app = new TestApp(kafka.bootstrapServers(), Map.of("streamrec.admin.token", ADMIN_TOKEN));
        app.start();
        defineExperiment(app); // the Experiments dashboard needs variants serving
        AtomicBoolean flowing = new AtomicBoolean(true);
        Thread traffic = startTraffic(app, flowing);
        int port = freePort();
        Process server = startPrometheus(prometheus, app, port);
        try {
            String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
            await(Duration.ofSeconds(60), () -> hasData(api, "up{job=\"streamrec\"} == 1"), "Prometheus scraping the app");

            // rate(...[1m]) needs two scrapes with traffic between them; retry the set until all answer.
            Map<String, String> failures = new LinkedHashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            do {
                Thread.sleep(3_000);
                failures.clear();
                for (Map.Entry<String, String> e : expressions.entrySet()) {
                    String problem = evaluate(api, e.getValue());
                    if (problem != null) {
                        failures.put(e.getKey() + ": " + e.getValue(), problem);
                    }
                }
            } while (!failures.isEmpty() && System.nanoTime() < deadline);

            assertThat(failures).as("dashboard expressions that errored or returned no data "
                    + "(out of " + expressions.size() + ")").isEmpty();
        } finally {
            flowing.set(false);
            traffic.join(10_000);
            server.destroy();
            app.stop();
        }
    }

    /** An A/B experiment of two heuristic variants (k 10 and 5), through the admin API, live before traffic starts. */
    private static void defineExperiment(TestApp app) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/experiments/dash"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("""
                        {"variants": [{"name": "control", "share": 50, "ranker": "heuristic"},
                                      {"name": "short", "share": 50, "ranker": "heuristic", "k": 5}]}""")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await(Duration.ofSeconds(30), () -> {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/experiments/dash")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "the experiment live");
    }

    /** panel title [refId] → expr, over every dashboard file. */
    private static Map<String, String> dashboardExpressions() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                for (JsonNode panel : JSON.readTree(f.toFile()).path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        String expr = target.path("expr").asText("");
                        if (!expr.isBlank()) {
                            out.put(f.getFileName() + " / " + panel.path("title").asText() + " ["
                                    + target.path("refId").asText() + "]", expr);
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Valid events plus a few undecodable ones, so the DLQ series carry data too. */
    private static Thread startTraffic(TestApp app, AtomicBoolean flowing) {
        Thread t = new Thread(() -> {
            ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(300).withItems(200));
            try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
                int n = 0;
                while (flowing.get()) {
                    var event = sim.next(System.currentTimeMillis());
                    byte[] value = ++n % 50 == 0 ? "not avro".getBytes(StandardCharsets.UTF_8) : Serdes.USER_EVENT.toBytes(event);
                    producer.send(new ProducerRecord<>(app.topic("user-events"), event.getUserId().getBytes(StandardCharsets.UTF_8), value));
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dashboard-test-traffic");
        t.start();
        return t;
    }

    private Process startPrometheus(Path binary, TestApp app, int port) throws IOException {
        String target = URI.create(app.baseUrl()).getAuthority();
        Path config = work.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: streamrec
                    metrics_path: /prometheus
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        return new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    }

    /** Null when the expression returns at least one sample, else what went wrong. */
    private static String evaluate(String api, String expr) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + URLEncoder.encode(expr, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (!"success".equals(body.path("status").asText())) {
                return "error: " + body.path("error").asText(r.body());
            }
            return body.path("data").path("result").isEmpty() ? "no data" : null;
        } catch (IOException e) {
            return "request failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static boolean hasData(String api, String expr) {
        return evaluate(api, expr) == null;
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(250);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
