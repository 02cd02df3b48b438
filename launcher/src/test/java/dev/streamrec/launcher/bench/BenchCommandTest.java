package dev.streamrec.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench --bootstrap-servers}: a broker outside the bench's JVM, fresh or refused; {@code --rounds}. */
@Tag("integration")
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void runsAgainstABrokerItDidNotStartAndRefusesOneThatHoldsBenchTopics() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            // given a fresh broker outside the command: a small steady-state run completes and says where it ran
            Path json = dir.resolve("bench.json");
            int exit = new CommandLine(new BenchCommand()).execute("--bootstrap-servers", broker.bootstrapServers(),
                    "--no-table", "--no-with-model", "--users", "200", "--items", "200", "--events", "500",
                    "--warmup-events", "500", "--latency-rate", "100", "--latency-seconds", "1",
                    "--latency-warmup-seconds", "1",
                    "--log-file", dir.resolve("bench.log").toString(), "--json-out", json.toString());
            assertThat(exit).isZero();
            JsonNode report = new ObjectMapper().readTree(Files.readString(json));
            assertThat(report.get("broker").asText()).isEqualTo("external " + broker.bootstrapServers());
            assertThat(report.get("pipeline_events_per_s").asDouble()).isPositive();
            // the latency phase after its warm-up, with the broker's requests (this broker runs in the test's JVM)
            assertThat(report.get("latency_warmup_seconds").asInt()).isEqualTo(1);
            assertThat(report.at("/served_latency_ms/resolved").asLong()).isPositive();
            assertThat(report.at("/latency_phase_cost/brokerRequests/Produce").asLong()).isPositive();
            assertThat(report.at("/latency_phase_cost/commitParts/commits").asDouble()).isPositive();

            // when the same broker is given again, it holds the first run's topics: one line, exit 2, nothing run
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            PrintStream saved = System.err;
            System.setErr(new PrintStream(stderr, true));
            try {
                exit = new CommandLine(new BenchCommand()).execute("--bootstrap-servers", broker.bootstrapServers(), "--log-file",
                        dir.resolve("again.log").toString());
            } finally {
                System.setErr(saved);
            }
            assertThat(exit).isEqualTo(2);
            assertThat(stderr.toString()).contains("already holds bench topics [", "bench-steady-events")
                    .doesNotContain("Exception");
        }
    }

    @Test
    @Timeout(240)
    void roundsMeasureThePlainCopyAgainBesideEachLaterWindow() throws Exception {
        // given a small run with the table (no model) and two rounds
        Path json = dir.resolve("rounds.json");
        int exit = new CommandLine(new BenchCommand()).execute("--no-with-model", "--rounds", "2", "--users", "200",
                "--items", "200", "--events", "500", "--warmup-events", "500", "--latency-rate", "100",
                "--latency-seconds", "1", "--latency-warmup-seconds", "0",
                "--log-file", dir.resolve("rounds.log").toString(), "--json-out", json.toString());

        // then round 1 is the headline window against the table's copy, round 2 has its own copy beside it
        assertThat(exit).isZero();
        JsonNode report = new ObjectMapper().readTree(Files.readString(json));
        JsonNode rounds = report.get("rounds");
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0).get("window").asText()).isEqualTo("pipeline");
        assertThat(rounds.get(0).get("plain_eos_events_per_s").asDouble())
                .isEqualTo(report.get("plain_eos_events_per_s").asDouble());
        assertThat(rounds.get(0).get("events_per_s").asDouble()).isEqualTo(report.get("pipeline_events_per_s").asDouble());
        JsonNode second = rounds.get(1);
        assertThat(second.get("round").asInt()).isEqualTo(2);
        assertThat(second.get("plain_eos_events_per_s").asDouble()).isPositive();
        assertThat(second.get("ratio_to_plain_eos").asDouble()).isEqualTo(
                second.get("events_per_s").asDouble() / second.get("plain_eos_events_per_s").asDouble());
        // the median of one later round is that round
        assertThat(report.get("ratio_pipeline_to_warm_plain_eos").asDouble())
                .isEqualTo(second.get("ratio_to_plain_eos").asDouble());
        assertThat(report.has("ratio_model_to_warm_plain_eos")).isFalse();
    }
}
