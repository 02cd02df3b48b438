package dev.streamrec.ops;

import dev.streamrec.console.UsageErrors;
import dev.streamrec.ops.replay.ReplayCommand;
import dev.streamrec.ops.reset.ResetCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The on-call commands on their own ({@code java -cp ... dev.streamrec.ops.OpsCli replay ...}). The
 * streams app registers {@link ReplayCommand} and {@link ResetCommand} as subcommands of its own CLI.
 */
@Command(name = "streamrec-ops", mixinStandardHelpOptions = true, versionProvider = OpsCli.Version.class,
        subcommands = {ReplayCommand.class, ResetCommand.class},
        description = "On-call tools: replay a topic range, reset the streams application to a point in time.")
public final class OpsCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with the settings the commands expect. */
    public static CommandLine commandLine() {
        return UsageErrors.shortForm(new CommandLine(new OpsCli()));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: replay or reset");
    }

    /** The version from the jar's manifest, when there is one. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = OpsCli.class.getPackage().getImplementationVersion();
            return new String[] {"streamrec ops " + (v == null ? "(development build)" : v)};
        }
    }
}
