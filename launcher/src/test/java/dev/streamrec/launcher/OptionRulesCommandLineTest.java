package dev.streamrec.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * An option out of range stops a command before it starts anything, as a usage error: exit code 2 and a line naming
 * the option, its range and the value given; no stack trace, no run that measures nothing.
 */
class OptionRulesCommandLineTest {

    @Test
    void shouldRefuseOptionsOutOfRangeAsUsageErrors() {
        assertUsageError("--model must be one of pooling, hybrid, hybrid-ease, hybrid-ease-dense, sasrec, was nope",
                "bench-scorer", "--model", "nope");
        assertUsageError("--model must be one of pooling, hybrid, sasrec, was hybrid-ease",
                "bench-scorer", "--swap-latency", "--model", "hybrid-ease");
        assertUsageError("--port must be a port, 1 to 65535 (0 picks a free one), was -3", "dev", "--port", "-3");
        assertUsageError("--events must be at least 1, was 0", "bench", "--events", "0");
        assertUsageError("--latency-rate must be more than 0, was -1", "bench", "--latency-rate", "-1");
        assertUsageError("--rounds must be at least 1, was 0", "bench", "--rounds", "0");
        // experiment replay: exit 1 before, as if the replay had failed
        String[] replay = {"experiment", "replay", "README.md", "--variant", "a=heuristic", "--variant", "b=heuristic"};
        assertUsageError("--window must be more than 0, was PT0S", with(replay, "--window", "PT0S"));
        assertUsageError("--epochs must be at least 1, was 0", with(replay, "--epochs", "0"));
        assertUsageError("--train-fraction must be more than 0 and less than 1, was 1.5", with(replay, "--train-fraction", "1.5"));
        assertUsageError("give at least two --variant NAME=RANKER", "experiment", "replay", "README.md", "--variant", "a=heuristic");
        assertUsageError("--variant a=bogus: RANKER is heuristic", "experiment", "replay", "README.md", "--variant", "a=bogus",
                "--variant", "b=heuristic");
        // bench-scorer: each of these failed with a stack trace after exporting a graph, or measured nothing
        assertUsageError("--devices: unknown device 'tpu' (auto, cpu, cuda)", "bench-scorer", "--devices", "tpu");
        assertUsageError("--modes: ", "bench-scorer", "--modes", "bogus");
        assertUsageError("--items must be at least 1, was 0", "bench-scorer", "--items", "0");
        assertUsageError("--batches must be at least 1, was 0", "bench-scorer", "--batches", "64,0");
        assertUsageError("--dim must be at least 1, was 0", "bench-scorer", "--dim", "0");
        assertUsageError("--candidates must be at least 1, was 0", "bench-scorer", "--candidates", "0");
        assertUsageError("--intra-op-threads must be at least 0, was -1", "bench-scorer", "--intra-op-threads", "-1");
        assertUsageError("--swaps must be at least 1, was 0", "bench-scorer", "--swap-latency", "--swaps", "0");
        assertUsageError("--count must be at least 0, was -5", "simulate", "--count", "-5");
        assertUsageError("--train-every must be more than 0, was PT0S", "dev", "--train-every", "PT0S");
        assertUsageError("--rate must be at least 0, was -5", "import", "--rate", "-5", "README.md");
        assertUsageError("--port must be a port, 1 to 65535, was -1", "broker", "--port", "-1");
        // checked before any connection: Kafka's offset lookup would read -1 as the end of each partition
        assertUsageError("--to-epoch-ms must be at least 0, was -1", "reset", "--application-id", "a", "--input-topics", "t",
                "--to-epoch-ms", "-1", "--dry-run");
        assertUsageError("before 1970-01-01T00:00:00Z", "reset", "--application-id", "a", "--input-topics", "t",
                "--to-datetime", "1969-06-01", "--dry-run");
        assertUsageError("--window must be more than 0, was PT-5M", "experiment", "report", "--window", "-PT5M");
        assertUsageError("--from 2026-11-24T00:00:00Z is not before --to 2026-11-23T00:00:00Z", "experiment", "report",
                "--from", "2026-11-24", "--to", "2026-11-23");
    }

    private static void assertUsageError(String message, String... args) {
        CommandLine cli = Launcher.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));

        int exit = cli.execute(args);

        assertThat(err.toString()).as(String.join(" ", args)).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(exit).as("exit code of " + String.join(" ", args)).isEqualTo(2);
    }

    private static String[] with(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
