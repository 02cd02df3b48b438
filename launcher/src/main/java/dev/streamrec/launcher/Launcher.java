package dev.streamrec.launcher;

import java.util.Arrays;

import dev.streamrec.app.Main;
import dev.streamrec.launcher.bench.BenchCommand;
import dev.streamrec.launcher.dev.DevCommand;
import dev.streamrec.launcher.bench.ScorerBenchCommand;
import dev.streamrec.launcher.experiment.ExperimentCommand;
import dev.streamrec.trainer.cli.TrainerMain;
import picocli.CommandLine;

/**
 * Entry point of {@code streamrec.jar}, the one command line an operator runs: the streams app's
 * commands (serve, simulate, import, replay, reset), what needs the app and the trainer together
 * (dev, bench, bench-scorer, experiment), and the trainer's own under {@code trainer} (train, serve, evaluate).
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(TrainerCommand.NAME)) {
            // Straight to the trainer's own command line, before anything here starts logging: the
            // trainer picks its log setup (logs on stderr, results on stdout) when its class loads.
            System.exit(TrainerMain.commandLine().setCommandName("streamrec " + TrainerCommand.NAME)
                    .execute(Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(commandLine().execute(args));
    }

    /** The whole command line; tests execute it in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = Main.commandLine();
        cli.setCommandName("streamrec");
        cli.addSubcommand(new DevCommand());
        cli.addSubcommand(new BenchCommand());
        cli.addSubcommand(new ScorerBenchCommand());
        cli.addSubcommand(new TrainerCommand());
        cli.addSubcommand(new ExperimentCommand());
        return cli;
    }
}
