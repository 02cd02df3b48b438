package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every 4xx and 5xx of the running app has one JSON body, {@code {"error", "message", "status"}},
 * whether the controller or the framework answers (a query value that does not convert, no route,
 * a wrong method, a request line over Netty's limit); over-long ids get 414; with
 * {@code streamrec.admin.port} the admin API answers only on that port.
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HttpErrorsIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldAnswerEveryErrorInTheAppsJsonFormatAndServeTheAdminApiOnlyOnItsPort() throws Exception {
        int adminPort = freePort();
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), Map.of(
                "streamrec.admin.token", "t0ken",
                "streamrec.admin.port", adminPort,
                "streamrec.http.max-id-length", 64));
        try {
            app.start();
            String api = app.baseUrl();
            String admin = "http://localhost:" + adminPort;

            // a query value that does not convert, a bad k, an unknown user, no route, a wrong method
            assertError(get(api + "/recommendations/user-1?k=abc"), 400, "bad_request");
            assertError(get(api + "/recommendations/user-1?k=0"), 400, "bad_request");
            assertError(get(api + "/recommendations/nobody"), 404, "not_found");
            assertError(get(api + "/no/such/route"), 404, "not_found");
            assertError(send(HttpRequest.newBuilder(URI.create(api + "/recommendations/user-1"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()), 405, "method_not_allowed");

            // ids over the configured limit, and request lines over Netty's: 414, same body
            assertError(get(api + "/recommendations/" + "u".repeat(65)), 414, "uri_too_long");
            assertError(get(api + "/users/" + "u".repeat(65) + "/history"), 414, "uri_too_long");
            assertError(get(api + "/recommendations/" + "u".repeat(10_000)), 414, "uri_too_long");

            // the admin API: only on its own port, where it keeps its bearer-token rules
            assertError(get(api + "/models/current"), 404, "not_found");
            assertError(send(HttpRequest.newBuilder(URI.create(api + "/models/rollback"))
                    .header("Authorization", "Bearer t0ken").POST(HttpRequest.BodyPublishers.noBody()).build()),
                    404, "not_found");
            JsonNode noModel = assertError(get(admin + "/models/current"), 404, "not_found");
            assertThat(noModel.get("message").asText()).contains("heuristic");
            assertError(send(HttpRequest.newBuilder(URI.create(admin + "/models/rollback"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()), 401, "unauthorized");
            assertError(send(HttpRequest.newBuilder(URI.create(admin + "/models/rollback"))
                    .header("Authorization", "Bearer t0ken").POST(HttpRequest.BodyPublishers.noBody()).build()),
                    409, "conflict");
            assertThat(get(api + "/health/liveness").statusCode()).as("the API port keeps everything else").isEqualTo(200);
        } finally {
            app.stop();
        }
    }

    /** Asserts the status and the one error format; returns the body. */
    private static JsonNode assertError(HttpResponse<String> r, int status, String error) throws IOException {
        assertThat(r.statusCode()).as("status of %s: %s", r.uri(), r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).as("content type of %s", r.uri())
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("error").asText()).as("error code of %s: %s", r.uri(), r.body()).isEqualTo(error);
        assertThat(body.get("status").asInt()).as("status field of %s", r.uri()).isEqualTo(status);
        assertThat(body.get("message").asText()).as("message of %s", r.uri()).isNotBlank();
        assertThat(body.has("_links") || body.has("_embedded")).as("Micronaut's own format in %s", r.body()).isFalse();
        return body;
    }

    private HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
