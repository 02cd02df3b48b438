package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * docs/METRICS.md against what {@code /prometheus} of a freshly started app exports: every
 * {@code streamrec_*} family is in the catalogue, every catalogued one is exported (except
 * {@code streamrec_model_info}, which needs a served model), and the label values the catalogue
 * lists are those exported (all of them for counters, which register every value at start).
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsCatalogueIntegrationTest {

    private static final Path CATALOGUE = Path.of("../docs/METRICS.md");
    /** Exported only once a model serves. */
    private static final Set<String> NEEDS_A_MODEL = Set.of("streamrec_model_info");
    /** Exported once an A/B experiment variant has served (ExperimentIntegrationTest checks them). */
    private static final String NEEDS_AN_EXPERIMENT = "streamrec_experiment_";
    private static final Pattern ROW = Pattern.compile("^\\| `(streamrec_[a-z_]+)` \\|[^|]*\\|([^|]*)\\|");
    private static final Pattern LABEL_VALUES = Pattern.compile("`([a-z_]+)` = ([A-Za-z0-9_, -]+)");
    private static final Pattern SERIES = Pattern.compile("^(streamrec_[a-z_]+?)(_bucket|_count|_sum|_max)?(\\{([^}]*)})? ");

    @StreamrecApp
    @Test
    void shouldExportExactlyTheCataloguedFamiliesAndLabelValues(TestApp app) throws Exception {
        // given the catalogue's streamrec_* rows: name -> label -> listed values
        Map<String, Map<String, Set<String>>> documented = new TreeMap<>();
        for (String line : Files.readAllLines(CATALOGUE)) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                Map<String, Set<String>> labels = new HashMap<>();
                Matcher lv = LABEL_VALUES.matcher(row.group(2));
                if (lv.find()) {
                    labels.put(lv.group(1), Arrays.stream(lv.group(2).split(",")).map(String::strip)
                            .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(TreeSet::new)));
                }
                documented.put(row.group(1), labels);
            }
        }
        assertThat(documented).as("streamrec_* rows in %s", CATALOGUE).hasSizeGreaterThan(10);

        // when a fresh app is scraped
        Map<String, Map<String, Set<String>>> exported = new TreeMap<>();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(app.baseUrl() + "/prometheus")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        for (String line : r.body().split("\n")) {
            Matcher s = SERIES.matcher(line);
            if (!s.find()) {
                continue;
            }
            String family = s.group(1);
            Map<String, Set<String>> labels = exported.computeIfAbsent(family, f -> new HashMap<>());
            if (s.group(4) != null) {
                for (String pair : s.group(4).split(",")) {
                    String[] kv = pair.split("=", 2);
                    if (kv.length == 2 && !kv[0].equals("le")) {
                        labels.computeIfAbsent(kv[0], k -> new TreeSet<>()).add(kv[1].replace("\"", ""));
                    }
                }
            }
        }

        // then the families match, and so do the label values the catalogue lists
        assertThat(exported.keySet()).as("exported streamrec_* families missing from %s", CATALOGUE)
                .isSubsetOf(documented.keySet());
        Set<String> notExported = new TreeSet<>(documented.keySet());
        notExported.removeAll(exported.keySet());
        notExported.removeAll(NEEDS_A_MODEL);
        notExported.removeIf(f -> f.startsWith(NEEDS_AN_EXPERIMENT));
        assertThat(notExported).as("catalogued families a fresh app does not export").isEmpty();
        documented.forEach((family, labels) -> labels.forEach((label, values) -> {
            Set<String> actual = exported.getOrDefault(family, Map.of()).get(label);
            if (actual == null) {
                return;
            }
            // Counters register every label value at start; a gauge like *_device_info only the one in use.
            if (family.endsWith("_total")) {
                assertThat(actual).as("values of %s{%s} exported vs %s", family, label, CATALOGUE).isEqualTo(values);
            } else {
                assertThat(actual).as("values of %s{%s} exported vs %s", family, label, CATALOGUE).isSubsetOf(values);
            }
        }));
    }

    @StreamrecApp(properties = "kafka.streams.default.num.stream.threads=2")
    @Test
    void shouldExportEachStreamThreadsProcessAndCommitSeries(TestApp app) throws Exception {
        // given an instance with two stream threads
        Set<String> threads = app.streams().metadataForLocalThreads().stream()
                .map(t -> t.threadName()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(threads).hasSize(2);

        // when it is scraped
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(app.baseUrl() + "/prometheus")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();

        // then the thread-level series the dashboards sum by instance are there once per thread
        for (String family : List.of("kafka_streams_process_rate", "kafka_streams_process_latency_avg",
                "kafka_streams_commit_rate_commits")) {
            Set<String> labelled = new TreeSet<>();
            Matcher m = Pattern.compile("^" + family + "\\{thread_id=\"([^\"]+)\"}", Pattern.MULTILINE).matcher(body);
            while (m.find()) {
                labelled.add(m.group(1));
            }
            assertThat(labelled).as("%s series by thread_id", family).containsAll(threads);
            assertThat(body).as("%s without a thread", family).doesNotContainPattern("(?m)^" + family + " ");
        }
    }
}
