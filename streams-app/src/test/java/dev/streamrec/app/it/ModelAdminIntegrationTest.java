package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The running app follows model-updates (including what was there before it started), serves the
 * model admin API with its bearer-token rules, and exports the model meters.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ModelAdminIntegrationTest {

    private static final String TOKEN = "s3cret-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldFollowModelUpdatesAndLetOnlyTheTokenHolderPinAndRollBack() throws Exception {
        Path models = Files.createTempDirectory("streamrec-admin-it-");
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of(
                "streamrec.models.artifact-roots", models.toString(),
                "streamrec.admin.token", TOKEN,
                "streamrec.scoring.warmup-runs", 1,
                "streamrec.models.artifact-cache-dir", models.resolve("cache").toString()));
        try {
            // given v1 announced before the app starts
            SharedKafka.cluster().createTopics(1, app.topic("model-updates"));
            publish(app, TrainedModels.announcement(TrainedModels.export(models, "v1", 1L)));
            app.start();

            // when it is up: v1 serves (found by reading model-updates from the beginning)
            JsonNode current = awaitVersion(app, "v1");
            assertThat(current.get("name").asText()).isEqualTo(TrainedModels.NAME);
            assertThat(current.get("device").asText()).isEqualTo("cpu");
            assertThat(current.get("metrics").get("ndcg_at_10").asDouble()).isEqualTo(0.25);
            assertThat(current.get("loadedAt").asText()).isNotBlank();

            // and v2 announced while it runs is swapped in
            publish(app, TrainedModels.announcement(TrainedModels.export(models, "v2", 2L)));
            awaitVersion(app, "v2");
            String prometheus = get(app, "/prometheus").body();
            assertThat(prometheus).contains("streamrec_model_info{model=\"seqrec\",version=\"v2\"} 1")
                    .doesNotContain("version=\"v1\"")
                    .contains("streamrec_scoring_device_info{device=\"cpu\"} 1")
                    .doesNotContain("streamrec_scoring_device_info{device=\"cuda\"}")
                    .contains("streamrec_model_swaps_total 2.0")
                    .contains("streamrec_model_load_failures_total{reason=\"CHECKSUM\"} 0.0")
                    .contains("streamrec_model_swap_duration_seconds_bucket")
                    .contains("streamrec_scoring_latency_seconds_bucket")
                    .contains("streamrec_scoring_batch_size_bucket")
                    .contains("streamrec_recommendations_out_total{source=\"model\"}");

            // then changes need the token: none → 401, wrong → 403, both with JSON bodies
            HttpResponse<String> none = post(app, "/models/rollback", null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("unauthorized");
            HttpResponse<String> wrong = post(app, "/models/rollback", "not-the-token");
            assertThat(wrong.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("forbidden");
            assertThat(JSON.readTree(get(app, "/models/current").body()).get("version").asText()).isEqualTo("v2");

            // and with it: rollback to v1 (pinned), an unknown pin lists what exists, a known pin moves
            HttpResponse<String> back = post(app, "/models/rollback", TOKEN);
            assertThat(back.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(back.body()).get("version").asText()).isEqualTo("v1");
            assertThat(JSON.readTree(back.body()).get("pinned").asText()).isEqualTo("v1");
            HttpResponse<String> unknown = post(app, "/models/pin/v9", TOKEN);
            assertThat(unknown.statusCode()).isEqualTo(404);
            JsonNode body = JSON.readTree(unknown.body());
            assertThat(body.get("error").asText()).isEqualTo("not_found");
            assertThat(body.get("message").asText()).contains("v9").contains("v1").contains("v2");
            assertThat(body.get("available")).extracting(JsonNode::asText).containsExactly("v1", "v2");
            HttpResponse<String> pinned = post(app, "/models/pin/v2", TOKEN);
            assertThat(pinned.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(pinned.body()).get("version").asText()).isEqualTo("v2");
            assertThat(post(app, "/models/rollback", TOKEN).statusCode()).as("v1 served before v2").isEqualTo(200);
        } finally {
            app.stop();
        }
    }

    private static void publish(TestApp app, ModelPublished p) {
        try (KafkaProducer<byte[], byte[]> producer = app.producer()) {
            producer.send(new ProducerRecord<>(app.topic("model-updates"), p.getName().getBytes(),
                    Serdes.MODEL_PUBLISHED.toBytes(p)));
            producer.flush();
        }
    }

    private JsonNode awaitVersion(TestApp app, String version) throws Exception {
        JsonNode[] last = new JsonNode[1];
        TestApp.await("model " + version + " serving", Duration.ofSeconds(60), () -> {
            HttpResponse<String> r = get(app, "/models/current");
            if (r.statusCode() != 200) {
                return false;
            }
            try {
                last[0] = JSON.readTree(r.body());
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return last[0].get("version").asText().equals(version);
        });
        return last[0];
    }

    private HttpResponse<String> get(TestApp app, String path) {
        return send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).GET().build());
    }

    private HttpResponse<String> post(TestApp app, String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static List<String> versions(JsonNode node) {
        return node.findValuesAsText("version");
    }
}
