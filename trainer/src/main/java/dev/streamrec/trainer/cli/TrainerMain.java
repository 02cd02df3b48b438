package dev.streamrec.trainer.cli;

import java.io.UncheckedIOException;

import dev.streamrec.console.CommandError;
import dev.streamrec.console.UsageErrors;
import dev.streamrec.onnx.ModelLoadException;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code trainer train|serve|evaluate}. Expected failures print one line and exit 1. */
@Command(name = "trainer", mixinStandardHelpOptions = true, version = "streamrec trainer 0.1",
        description = "Trains the sequence-aware recommender, exports it to ONNX, evaluates it through ONNX Runtime, "
                + "gates and publishes it.",
        subcommands = {TrainCommand.class, ServeCommand.class, EvaluateCommand.class})
public final class TrainerMain implements Runnable {

    static {
        // The trainer's log setup has its own name so that it never competes with the streams app's
        // logback.xml when the app runs the trainer in-process (dev); it must be set before any logger.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "trainer-logback.xml");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TrainerMain.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command: train, serve or evaluate");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests. */
    public static CommandLine commandLine() {
        return UsageErrors.shortForm(new CommandLine(new TrainerMain())).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (expected(e)) {
                LOG.error("{}", e.getMessage());
                LOG.debug("details", e);
                return 1;
            }
            throw e;
        });
    }

    private static boolean expected(Exception e) {
        return e instanceof CommandError || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UncheckedIOException || e instanceof ModelLoadException || e instanceof KafkaException;
    }
}
