package dev.streamrec.ops.reset;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.streamrec.console.OptionRules;
import dev.streamrec.console.TimeArgument;
import dev.streamrec.ops.CommandErrors;
import dev.streamrec.ops.KafkaOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code reset} command: a thin picocli layer over {@link AppResetter}. */
@Command(name = "reset", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = dev.streamrec.ops.OpsCli.Version.class,
        description = {
                "Reprocess from a point in time: move the streams application's committed input-topic offsets to "
                        + "the first record at or after a time (like kafka-streams-application-reset --to-datetime).",
                "",
                "Refuses while the application's group has active members (it prints them): stop every instance "
                        + "first. Partitions with no record that recent go to their end offset.",
                "With --delete-internal-topics the changelog and repartition topics (<application-id>-...-changelog, "
                        + "-repartition) are deleted too; then wipe each instance's local state (state.dir, or "
                        + "KafkaStreams#cleanUp()) before restarting. Without it, state stores keep their content, so "
                        + "events already seen (same eventId) are de-duplicated rather than processed again.",
                ""},
        footer = {"",
                "Examples:",
                "  # what would it do? (prints current and new offsets per partition)",
                "  reset --application-id streamrec --input-topics user-events \\",
                "      --to-datetime 2026-11-23T10:00:00Z --dry-run",
                "  # all instances stopped: reprocess from then, rebuilding state",
                "  reset --application-id streamrec --input-topics user-events \\",
                "      --to-epoch-ms 1795428000000 --delete-internal-topics",
                "",
                "Exit codes: 0 done, 1 failed or group active (message on stderr), 2 bad usage."})
public final class ResetCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--application-id", required = true, paramLabel = "ID",
            description = "The streams application's application.id (its group id).")
    String applicationId;

    @Option(names = "--input-topics", required = true, split = ",", paramLabel = "TOPIC",
            description = "Input topics whose offsets move (comma-separated or repeated).")
    List<String> inputTopics = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Exactly one of the two ways to say the time. */
    static final class Target {
        @Option(names = "--to-datetime", paramLabel = "TIME", converter = TimeArgument.class,
                description = "Reset to this time: " + TimeArgument.FORMATS + ".")
        Instant datetime;

        @Option(names = "--to-epoch-ms", paramLabel = "MS", description = "Reset to this time in epoch milliseconds.")
        Long epochMs;

        Instant instant() {
            return datetime != null ? datetime : Instant.ofEpochMilli(epochMs);
        }
    }

    @Option(names = "--delete-internal-topics",
            description = "Also delete the application's internal changelog and repartition topics.")
    boolean deleteInternalTopics;

    @Option(names = "--dry-run", description = "Print the planned offsets per partition; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (target.epochMs != null) {
            // Kafka's offset lookup reads -1 as "the end" and -2 as "the start": never a time to reset to.
            OptionRules.atLeast(spec, "--to-epoch-ms", target.epochMs, 0);
        }
        ResetSpec reset = new ResetSpec(applicationId, inputTopics, target.instant(), deleteInternalTopics, dryRun);
        return CommandErrors.run(err, () -> {
            ResetPlan plan = new AppResetter(kafka.clientConfig()).reset(reset);
            out.print(plan.table());
            if (plan.applied() && !plan.internalTopics().isEmpty()) {
                out.println("now wipe each instance's local state (state.dir or KafkaStreams#cleanUp()) before restarting");
            }
            out.flush();
            return CommandErrors.OK;
        });
    }
}
