package dev.streamrec.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import dev.streamrec.ops.replay.ReplayCommand;
import dev.streamrec.ops.reset.ResetCommand;
import dev.streamrec.topics.DlqHeaders;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The commands' command lines, without a broker: help, usage errors and their exit codes. */
class CommandLineTest {

    static CliRun run(Object command, String... args) {
        return CliRun.of(command, args);
    }

    @Test
    void shouldPrintReplayHelpNamingEveryOption() {
        CliRun run = run(new ReplayCommand(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--source", "--target", "--from", "--to", "--partition-range", "--user", "--type",
                "--header-match", "--rate", "--dry-run", "--keep-error-headers", "--bootstrap-servers",
                DlqHeaders.REPLAYED_FROM, "__streams.errors.", "streamrec.error.", "eventId", "PURCHASE");
    }

    @Test
    void shouldPrintResetHelpNamingEveryOption() {
        CliRun run = run(new ResetCommand(), "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--application-id", "--input-topics", "--to-datetime", "--to-epoch-ms",
                "--delete-internal-topics", "--dry-run", "active members");
    }

    @Test
    void shouldListBothCommandsInTheStandaloneCli() {
        StringWriter out = new StringWriter();
        CommandLine cli = OpsCli.commandLine();
        cli.setOut(new PrintWriter(out, true));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("replay", "reset");
    }

    @Test
    void shouldExitWithUsageErrorOnABadTime() {
        CliRun run = run(new ReplayCommand(), "--source", "user-events", "--dry-run", "--from", "last tuesday");

        assertThat(run.exitCode()).isEqualTo(CommandErrors.USAGE);
        assertThat(run.err()).contains("bad time 'last tuesday'").doesNotContain("\tat ", "java.lang");
    }

    @Test
    void shouldKeepUsageErrorsShortInTheStandaloneCli() {
        StringWriter err = new StringWriter();
        CommandLine cli = OpsCli.commandLine();
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("replay", "--source", "user-events", "--dry-run", "--from", "last tuesday");

        assertThat(code).isEqualTo(CommandErrors.USAGE);
        assertThat(err.toString().strip().lines()).as("one error line and a pointer to --help").hasSize(2);
        assertThat(err.toString()).startsWith("error: Invalid value for option '--from': bad time 'last tuesday'")
                .contains("streamrec-ops replay --help");
    }

    @Test
    void shouldExitWithUsageErrorWhenTargetIsMissingOutsideADryRun() {
        CliRun run = run(new ReplayCommand(), "--source", "user-events");

        assertThat(run.exitCode()).isEqualTo(CommandErrors.USAGE);
        assertThat(run.err()).contains("target topic is required");
    }

    @Test
    void shouldExitWithUsageErrorOnBadPartitionRangeAndUnknownType() {
        assertThat(run(new ReplayCommand(), "-s", "a", "--dry-run", "--partition-range", "0-5").exitCode())
                .isEqualTo(CommandErrors.USAGE);
        CliRun run = run(new ReplayCommand(), "-s", "a", "--dry-run", "--type", "teleport");
        assertThat(run.exitCode()).isEqualTo(CommandErrors.USAGE);
        assertThat(run.err()).contains("unknown event type 'teleport'");
    }

    @Test
    void shouldRequireExactlyOneResetTime() {
        CliRun none = run(new ResetCommand(), "--application-id", "app", "--input-topics", "t");
        CliRun both = run(new ResetCommand(), "--application-id", "app", "--input-topics", "t", "--to-epoch-ms", "1",
                "--to-datetime", "2026-11-23");

        assertThat(none.exitCode()).isEqualTo(CommandErrors.USAGE);
        assertThat(both.exitCode()).isEqualTo(CommandErrors.USAGE);
        assertThat(both.err()).contains("mutually exclusive");
    }
}
