package dev.streamrec.app;

import dev.streamrec.app.cli.BrokerCommand;
import dev.streamrec.app.cli.ImportCommand;
import dev.streamrec.app.cli.ServeCommand;
import dev.streamrec.app.cli.SimulateCommand;
import dev.streamrec.console.CommandError;
import dev.streamrec.console.UsageErrors;
import dev.streamrec.ops.replay.ReplayCommand;
import dev.streamrec.ops.reset.ResetCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The streams app's commands: serve, simulate, import and the on-call tools. Operators run them
 * through the launcher module's {@code streamrec.jar}, which adds the commands that need the trainer
 * too (dev, bench, bench-scorer, trainer).
 */
@Command(name = "streams-app", mixinStandardHelpOptions = true, version = "streamrec 0.1.0",
        description = "Real-time recommendations on Kafka Streams with ONNX Runtime scoring.",
        subcommands = {ServeCommand.class, BrokerCommand.class, SimulateCommand.class, ImportCommand.class,
                ReplayCommand.class, ResetCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests execute it in-process. */
    public static CommandLine commandLine() {
        return oneLineErrors(UsageErrors.shortForm(new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true)));
    }

    /**
     * Expected failures ({@link CommandError}: unreachable broker, bad input file, port or directory in
     * use) print as one line {@code <command>: <cause>} with exit code 1; anything else keeps its stack trace.
     */
    static CommandLine oneLineErrors(CommandLine cli) {
        return cli.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            CommandError error = CommandError.in(ex);
            if (error == null) {
                throw ex;
            }
            failed.getErr().println(failed.getCommandName() + ": " + error.getMessage());
            failed.getErr().flush();
            return 1;
        });
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
