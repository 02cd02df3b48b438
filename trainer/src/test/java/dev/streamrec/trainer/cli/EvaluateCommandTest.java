package dev.streamrec.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.eval.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

    private static Path eventFile(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("userId,itemId,type,timestamp");
        for (UserEvent e : Fixtures.events(120, 60, 4_000, 9L)) {
            lines.add(e.getUserId() + "," + e.getItemId() + "," + e.getType() + "," + e.getTimestamp());
        }
        return Files.write(dir.resolve("events.csv"), lines);
    }

    @Test
    void jsonReportHasEveryMetricKeyPerScorerAndTheModelsSelection(@TempDir Path dir) throws IOException {
        // given a small event file
        Path events = eventFile(dir);
        StringWriter out = new StringWriter();
        CommandLine cli = TrainerMain.commandLine();
        cli.setOut(new PrintWriter(out));

        // when evaluated with the model and two baselines, purchases-only exclusion
        int code = cli.execute("evaluate", "--dataset", events.toString(), "--json", "--exclude", "purchases",
                "--scorers", "model,popularity,cooccurrence", "--dim", "16", "--epochs", "2", "--threads", "2");

        // then every scorer reports the sampled and full-ranking keys and the unreachable counts
        assertThat(code).isZero();
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertThat(report.get("exclude").asText()).isEqualTo("purchases");
        for (String scorer : List.of("model", "popularity", "cooccurrence")) {
            JsonNode m = report.get("metrics").get(scorer);
            for (String key : List.of(Metrics.HR_AT_10, Metrics.NDCG_AT_10, Metrics.FULL_HR_AT_5, Metrics.FULL_HR_AT_10,
                    Metrics.FULL_HR_AT_20, Metrics.FULL_NDCG_AT_5, Metrics.FULL_NDCG_AT_10, Metrics.FULL_NDCG_AT_20,
                    Metrics.FULL_MRR_AT_20, Metrics.UNREACHABLE_EXCLUDED, Metrics.UNREACHABLE_UNKNOWN)) {
                assertThat(m.has(key)).as("%s has %s", scorer, key).isTrue();
                assertThat(m.get(key).asDouble()).as("%s %s", scorer, key).isBetween(0.0, 1e6);
            }
            assertThat(m.get(Metrics.CASES).asInt()).isEqualTo(report.get("cases").asInt());
        }
        assertThat(report.get("selection").get("model").get("epochs").asInt()).isBetween(0, 2);
        assertThat(report.get("selection").get("model").get("validation").has(Metrics.FULL_NDCG_AT_10)).isTrue();
    }

    /** {@code evaluate --dataset events --json args...}, which must succeed, as parsed JSON. */
    private static JsonNode evaluateJson(Path events, String... args) throws IOException {
        StringWriter out = new StringWriter();
        CommandLine cli = TrainerMain.commandLine();
        cli.setOut(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of("evaluate", "--dataset", events.toString(), "--json"));
        all.addAll(List.of(args));
        assertThat(cli.execute(all.toArray(String[]::new))).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void servedCandidatesReportTheModelOnTheAppsCandidatesBesideItsFullRanking(@TempDir Path dir) throws IOException {
        JsonNode report = evaluateJson(eventFile(dir), "--scorers", "hybrid,popularity", "--served-candidates", "--dim", "16",
                "--epochs", "2", "--threads", "2");

        // then the hybrid is also reported re-ranking the app's candidates (never above what they contain), next to
        // the app's heuristic order of the same candidates; the baseline gets no @candidates row
        double recall = report.get("candidate_recall").asDouble();
        assertThat(recall).isBetween(0.0, 1.0);
        JsonNode metrics = report.get("metrics");
        assertThat(metrics.has("popularity@candidates")).isFalse();
        for (String scorer : List.of("hybrid@candidates", "served_heuristic")) {
            assertThat(metrics.get(scorer).get(Metrics.FULL_HR_AT_20).asDouble()).as(scorer).isBetween(0.0, recall + 1e-9);
            assertThat(metrics.get(scorer).get(Metrics.CASES).asInt()).isEqualTo(report.get("cases").asInt());
        }
        assertThat(metrics.get("hybrid@candidates").get(Metrics.FULL_HR_AT_20).asDouble()).isPositive();
    }

    @Test
    void seedsReportTheMeanOfEachSeedsRunAndTheSpread(@TempDir Path dir) throws IOException {
        // given a small event file
        Path events = eventFile(dir);
        StringWriter out = new StringWriter();
        CommandLine cli = TrainerMain.commandLine();
        cli.setOut(new PrintWriter(out));

        // when the hybrid model is evaluated over two seeds, beside a baseline
        int code = cli.execute("evaluate", "--dataset", events.toString(), "--json", "--scorers", "hybrid,popularity",
                "--seeds", "1,2", "--dim", "16", "--epochs", "2", "--threads", "2");

        // then metrics.hybrid is the mean of the two per-seed runs, with their min and max; the baseline ran once
        assertThat(code).isZero();
        JsonNode report = new ObjectMapper().readTree(out.toString());
        JsonNode perSeed = report.get("per_seed").get("hybrid");
        assertThat(perSeed.size()).isEqualTo(2);
        double a = perSeed.get("1").get(Metrics.FULL_NDCG_AT_10).asDouble();
        double b = perSeed.get("2").get(Metrics.FULL_NDCG_AT_10).asDouble();
        assertThat(report.get("metrics").get("hybrid").get(Metrics.FULL_NDCG_AT_10).asDouble())
                .isCloseTo((a + b) / 2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(report.get("spread").get("hybrid").get(Metrics.FULL_NDCG_AT_10).get(0).asDouble()).isEqualTo(Math.min(a, b));
        assertThat(report.get("spread").get("hybrid").get(Metrics.FULL_NDCG_AT_10).get(1).asDouble()).isEqualTo(Math.max(a, b));
        assertThat(perSeed.get("1").get("selection").has("item_knn")).isTrue();
        assertThat(report.get("per_seed").has("popularity")).isFalse();
    }

    @Test
    void unknownPolicyOrScorerIsAUsageError(@TempDir Path dir) throws IOException {
        // exit 2, as for any other bad option (the handler's 1 was for failures of the run itself)
        Path events = eventFile(dir);
        CommandLine cli = TrainerMain.commandLine();
        cli.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(cli.execute("evaluate", "--dataset", events.toString(), "--exclude", "views")).isEqualTo(2);
        assertThat(cli.execute("evaluate", "--dataset", events.toString(), "--scorers", "popularity,oracle")).isEqualTo(2);
    }
}
