package dev.streamrec.launcher.experiment;

import java.util.concurrent.Callable;

import dev.streamrec.ops.experiment.ExperimentReportCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code experiment report} (from the topics) and {@code experiment replay} (a dataset through an embedded pipeline). */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        subcommands = {ExperimentReportCommand.class, ExperimentReplayCommand.class},
        description = {"A/B experiments: 'experiment report' compares the variants of the lists on the recommendations "
                + "topic; 'experiment replay' compares rankers on a dataset file before going live."})
public final class ExperimentCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: report or replay");
    }
}
