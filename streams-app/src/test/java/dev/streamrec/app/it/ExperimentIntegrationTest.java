package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.app.experiment.Assignment;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.app.topology.HeuristicRanker;
import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.VariantRanker;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A/B experiments on the real broker, two instances of one deployment: an experiment written
 * through the admin API reaches both; each list names its experiment and variant, and the variant
 * is the one {@link Assignment} gives the user (so the same on both instances and after a restart);
 * the heuristic, the latest model and a pinned model version serve side by side through a hot-swap
 * of the latest; per-variant meters count exactly the lists each variant ranked.
 */
@Tag("integration")
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ExperimentIntegrationTest {

    private static final String TOKEN = "exp-admin-token";
    private static final String EXPERIMENT = "ranker-test";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVED = Pattern.compile(
            "streamrec_experiment_recommendations_total\\{experiment=\"" + EXPERIMENT + "\",variant=\"([a-z-]+)\"} ([0-9.E]+)");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeEachUserByTheirVariantOnEveryInstanceThroughAHotSwapAndARestart() throws Exception {
        Path work = Files.createTempDirectory("streamrec-exp-it-");
        AppInstances deployment = new AppInstances(SharedKafka.cluster().bootstrapServers(), Map.of(
                "streamrec.models.artifact-roots", work.toString(),
                "streamrec.models.artifact-cache-dir", work.resolve("cache").toString(),
                "streamrec.admin.token", TOKEN,
                "streamrec.scoring.warmup-runs", 1));
        TestApp a = deployment.first;
        TestApp b = deployment.another();
        List<UserEvent> events = SwapWorkload.events(2_400, 31L);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> recommendations = a.consumer(a.topic("recommendations"))) {
            // given two instances serving model v1
            SharedKafka.cluster().createTopics(1, a.topic("model-updates"));
            SwapWorkload.publish(a, TrainedModels.announcement(TrainedModels.export(work.resolve("models"), "v1", 1L)));
            a.start();
            b.start();
            awaitModel(List.of(a, b), "v1");

            // given an undecodable record and an invalid definition written around the admin API
            try (KafkaProducer<byte[], byte[]> producer = a.producer()) {
                producer.send(new ProducerRecord<>(a.topic("experiments"), "junk".getBytes(StandardCharsets.UTF_8),
                        "not avro".getBytes(StandardCharsets.UTF_8)));
                Experiment invalid = Experiment.newBuilder(definition()).setName("invalid").setVariants(List.of(
                        variant("x", 80, VariantRanker.HEURISTIC), variant("y", 80, VariantRanker.HEURISTIC))).build();
                producer.send(new ProducerRecord<>(a.topic("experiments"), "invalid".getBytes(StandardCharsets.UTF_8),
                        Serdes.EXPERIMENT.toBytes(invalid)));
                producer.flush();
            }

            // when an experiment is written through one instance's admin API (bad ones refused)
            assertThat(put(a, experimentJson(110), TOKEN).statusCode()).as("shares over 100%").isEqualTo(400);
            assertThat(put(a, experimentJson(33), null).statusCode()).as("no token").isEqualTo(401);
            HttpResponse<String> created = put(a, experimentJson(33), TOKEN);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            Experiment experiment = definition();

            // then both instances apply it and hold the pinned version next to the followed one
            for (TestApp app : List.of(a, b)) {
                TestApp.await("experiment live on " + app.properties.get("micronaut.server.port"), Duration.ofSeconds(30),
                        () -> get(app, "/experiments/" + EXPERIMENT).statusCode() == 200);
                TestApp.await("v1 held for the pinned variant", Duration.ofSeconds(60),
                        () -> app.context().getBean(ModelManager.class).heldVersions().contains("v1"));
            }

            // (the undecodable record and the invalid definition were skipped: only the valid one is live)
            assertThat(JSON.readTree(get(b, "/experiments").body()).findValuesAsText("name"))
                    .contains(EXPERIMENT).doesNotContain("invalid");

            // when events flow, every list names the user's variant, ranked by that variant's ranker
            List<UserEvent> first = events.subList(0, 800);
            SwapWorkload.produce(a, first);
            awaitLists(recommendations, out, first);
            Map<String, String> variantOf = verify(out, first, experiment, Map.of("control", HeuristicRanker.VERSION,
                    "latest", "v1", "pinned", "v1"));

            // when v2 is published mid-test, the latest variant moves to it, the pinned one stays on v1
            SwapWorkload.publish(a, TrainedModels.announcement(TrainedModels.export(work.resolve("models"), "v2", 2L)));
            awaitModel(List.of(a, b), "v2");
            List<UserEvent> second = events.subList(800, 1_600);
            SwapWorkload.produce(a, second);
            awaitLists(recommendations, out, second);
            variantOf.putAll(verify(out, second, experiment, Map.of("control", HeuristicRanker.VERSION,
                    "latest", "v2", "pinned", "v1")));

            // and the per-variant meters of the two instances add up to the lists each variant ranked
            Map<String, Long> perVariant = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : out) {
                String variant = Serdes.RECOMMENDATIONS.fromBytes(r.value()).getVariant();
                if (!variant.isEmpty()) { // the 1% outside the experiment
                    perVariant.merge(variant, 1L, Long::sum);
                }
            }
            Map<String, Long> metered = new HashMap<>();
            for (TestApp app : List.of(a, b)) {
                String prometheus = get(app, "/prometheus").body();
                Matcher m = SERVED.matcher(prometheus);
                while (m.find()) {
                    metered.merge(m.group(1), (long) Double.parseDouble(m.group(2)), Long::sum);
                }
                for (String series : List.of("streamrec_experiment_interactions_total", "streamrec_experiment_hits_total",
                        "streamrec_experiment_hit_rate", "streamrec_experiment_coverage_ratio",
                        "streamrec_experiment_ranking_latency_seconds_bucket")) {
                    assertThat(prometheus).as("instance exports %s", series).contains(series + "{experiment=\"" + EXPERIMENT);
                }
            }
            assertThat(metered).as("streamrec_experiment_recommendations_total summed over both instances")
                    .isEqualTo(perVariant);

            // when both instances stop and one restarts on its state
            b.stop();
            a.stop();
            a.start();
            awaitModel(List.of(a), "v2");
            TestApp.await("experiment live after the restart", Duration.ofSeconds(30),
                    () -> get(a, "/experiments/" + EXPERIMENT).statusCode() == 200);
            TestApp.await("v1 held after the restart", Duration.ofSeconds(60),
                    () -> a.context().getBean(ModelManager.class).heldVersions().contains("v1"));

            // then the same users land in the same variants
            List<UserEvent> third = events.subList(1_600, 2_400);
            SwapWorkload.produce(a, third);
            awaitLists(recommendations, out, third);
            Map<String, String> after = verify(out, third, experiment, Map.of("control", HeuristicRanker.VERSION,
                    "latest", "v2", "pinned", "v1"));
            Set<String> again = new HashSet<>(after.keySet());
            again.retainAll(variantOf.keySet());
            assertThat(again).as("users seen before and after the restart").hasSizeGreaterThan(50);
            for (String user : again) {
                assertThat(after.get(user)).as("variant of %s after the restart", user).isEqualTo(variantOf.get(user));
            }

            // and deleting the experiment ends it: lists carry no experiment
            assertThat(delete(a, TOKEN).statusCode()).isEqualTo(204);
            TestApp.await("experiment gone", Duration.ofSeconds(30),
                    () -> get(a, "/experiments/" + EXPERIMENT).statusCode() == 404);
        } finally {
            b.stop();
            a.stop();
        }
    }

    /** Control: heuristic; latest: the followed model; pinned: model v1, full-catalog, k 5. */
    private static String experimentJson(int share) {
        return """
                {"salt": "s1", "variants": [
                  {"name": "control", "share": %d, "ranker": "heuristic"},
                  {"name": "latest", "share": 33, "ranker": "model"},
                  {"name": "pinned", "share": 33, "ranker": "model", "modelVersion": "v1", "scoringMode": "full", "k": 5}
                ]}""".formatted(share);
    }

    /** The definition the test wrote, as the app stores it (for the expected assignment). */
    private static Experiment definition() {
        return Experiment.newBuilder().setName(EXPERIMENT).setSalt("s1").setActive(true).setUpdatedAt(0).setVariants(List.of(
                variant("control", 33, VariantRanker.HEURISTIC), variant("latest", 33, VariantRanker.MODEL),
                variant("pinned", 33, VariantRanker.MODEL))).build();
    }

    private static ExperimentVariant variant(String name, int share, VariantRanker ranker) {
        return ExperimentVariant.newBuilder().setName(name).setShare(share).setRanker(ranker).build();
    }

    /**
     * One list per event of {@code batch}; each names the experiment and the variant
     * {@link Assignment} gives its user (or none: the 1% outside), and the model version the
     * variant must rank with; pinned lists have 5 items at most.
     *
     * @return each user's variant ("" outside the experiment)
     */
    private static Map<String, String> verify(List<ConsumerRecord<byte[], byte[]>> out, List<UserEvent> batch,
                                              Experiment experiment, Map<String, String> versionOf) {
        Map<String, Recommendations> byTrigger = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            Recommendations recs = Serdes.RECOMMENDATIONS.fromBytes(r.value());
            assertThat(byTrigger.put(recs.getTriggerEventId(), recs)).as("second list for %s", recs.getTriggerEventId())
                    .isNull();
        }
        Map<String, String> variants = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (UserEvent e : batch) {
            Recommendations recs = byTrigger.get(e.getEventId());
            assertThat(recs).as("list for %s", e.getEventId()).isNotNull();
            ExperimentVariant expected = Assignment.variant(experiment, e.getUserId());
            String variant = expected == null ? "" : expected.getName();
            assertThat(recs.getVariant()).as("variant of %s", e.getUserId()).isEqualTo(variant);
            assertThat(recs.getExperiment()).isEqualTo(expected == null ? "" : EXPERIMENT);
            if (expected != null) {
                assertThat(recs.getModelVersion()).as("model version of a %s list", variant).isEqualTo(versionOf.get(variant));
                if (variant.equals("pinned")) {
                    assertThat(recs.getItems()).hasSizeLessThanOrEqualTo(5);
                }
            }
            variants.put(e.getUserId(), variant);
            counts.merge(variant, 1, Integer::sum);
        }
        assertThat(counts.keySet()).as("variants served, lists per variant: %s", counts).contains("control", "latest", "pinned");
        return variants;
    }

    private static void awaitLists(KafkaConsumer<byte[], byte[]> c, List<ConsumerRecord<byte[], byte[]>> into,
                                   List<UserEvent> batch) {
        Set<String> ids = new HashSet<>();
        batch.forEach(e -> ids.add(e.getEventId()));
        Set<String> seen = new HashSet<>();
        int[] read = {0};
        TestApp.readUntil(c, into, rs -> {
            for (; read[0] < rs.size(); read[0]++) {
                seen.add(Serdes.RECOMMENDATIONS.fromBytes(rs.get(read[0]).value()).getTriggerEventId());
            }
            return seen.containsAll(ids);
        }, Duration.ofSeconds(120), "a list per event of the batch");
    }

    private void awaitModel(List<TestApp> apps, String version) {
        for (TestApp app : apps) {
            TestApp.await("model " + version + " serving", Duration.ofSeconds(60), () -> {
                HttpResponse<String> r = get(app, "/models/current");
                try {
                    JsonNode n = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
                    return n != null && n.get("version").asText().equals(version);
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    private HttpResponse<String> put(TestApp app, String json, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.baseUrl() + "/experiments/" + EXPERIMENT))
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b.build());
    }

    private HttpResponse<String> delete(TestApp app, String token) {
        return send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/experiments/" + EXPERIMENT)).DELETE()
                .header("Authorization", "Bearer " + token).build());
    }

    private HttpResponse<String> get(TestApp app, String path) {
        return send(HttpRequest.newBuilder(URI.create(app.baseUrl() + path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
