package dev.streamrec.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.streamrec.trainer.cli.TrainerMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code trainer ...}: hands every argument to the trainer's own command line
 * ({@link TrainerMain}: train, serve, evaluate), with its own help and error handling.
 * {@link Launcher#main} takes this path before building the rest of the command line.
 */
@Command(name = TrainerCommand.NAME, description = {"The trainer: 'trainer train --once', 'trainer serve' (periodic "
        + "retraining), 'trainer evaluate'.", "'trainer --help' lists its commands and options."})
final class TrainerCommand implements Callable<Integer> {

    static final String NAME = "trainer";

    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return TrainerMain.commandLine().execute(args.toArray(String[]::new));
    }
}
