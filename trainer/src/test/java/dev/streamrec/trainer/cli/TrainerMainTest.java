package dev.streamrec.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TrainerMainTest {

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"train", "serve", "evaluate"}) {
            StringWriter out = new StringWriter();
            CommandLine cli = TrainerMain.commandLine();
            cli.setOut(new PrintWriter(out));
            assertThat(cli.execute(command, "--help")).as(command + " --help").isZero();
            assertThat(out.toString()).as(command + " usage").contains("Usage: trainer " + command);
        }
    }

    @Test
    void expectedErrorsExitWithOneAndNoStackTrace() {
        StringWriter err = new StringWriter();
        CommandLine cli = TrainerMain.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("evaluate", "--dataset", "/does/not/exist")).isEqualTo(1);
        assertThat(cli.execute("train", "--once")).isEqualTo(1);
        assertThat(err.toString()).doesNotContain("at dev.streamrec");
    }

    @Test
    void optionsOutOfRangeAreOneLineUsageErrorsBeforeAnyDataIsRead() {
        // each of these trained for a minute or more before, or (the gate metric) failed only after training
        assertUsageError("--dim must be at least 1, was 0", "evaluate", "--dataset", "/does/not/exist", "--dim", "0");
        assertUsageError("--epochs must be at least 0, was -1", "evaluate", "--dataset", "/does/not/exist", "--epochs", "-1");
        assertUsageError("--dropout must be at least 0 and less than 1, was 2.0", "evaluate", "--dataset", "/x", "--dropout", "2");
        assertUsageError("--threads must be at least 1, was 0", "train", "--input", "/x", "--threads", "0");
        assertUsageError("--learning-rate must be more than 0, was 0", "train", "--input", "/x", "--learning-rate", "0");
        assertUsageError("--gate-metric must be one of hr_at_10, ndcg_at_10, full_hr_at_5", "train", "--input", "/x",
                "--gate-metric", "bogus");
        assertUsageError("--keep-versions must be at least 1, was 0", "serve", "--bootstrap-servers", "127.0.0.1:1",
                "--keep-versions", "0");
        assertUsageError("--interval-minutes must be more than 0, was 0", "serve", "--bootstrap-servers", "127.0.0.1:1",
                "--interval-minutes", "0");
        // unknown names: usage errors naming the option and the known names (a logged ERROR and exit 1 before)
        assertUsageError("--model: unknown model 'nope': use pooling, hybrid or sasrec", "train", "--input", "/x",
                "--model", "nope");
        assertUsageError("--device: unknown device 'tpu' (auto, cpu, cuda)", "train", "--input", "/x", "--device", "tpu");
        assertUsageError("--exclude: unknown exclusion policy 'bogus', known: history, purchases", "evaluate",
                "--dataset", "/x", "--exclude", "bogus");
        assertUsageError("--scorers: unknown scorer 'cooc'", "evaluate", "--dataset", "/x", "--scorers", "cooc");
    }

    private static void assertUsageError(String message, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = TrainerMain.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));

        assertThat(cli.execute(args)).as(String.join(" ", args)).isEqualTo(2);
        assertThat(err.toString()).as(String.join(" ", args)).contains("error: " + message)
                .contains("--help' for more information").doesNotContain("Usage:").doesNotContain("\tat ");
    }

    @Test
    void trainForATenantNeedsItsOwnModelNameAndKafka() {
        assertThatThrownBy(() -> TrainCommand.checkTenant("shop-b", null, "seqrec"))
                .hasMessageContaining("--tenant shop-b needs --model-name");
        assertThatThrownBy(() -> TrainCommand.checkTenant("shop-b", java.nio.file.Path.of("events.csv"), "b-recs"))
                .hasMessageContaining("an --input file has no tenants");
        assertThatThrownBy(() -> TrainCommand.checkTenant("shop|b", null, "b-recs"))
                .hasMessageContaining("--tenant: tenant id 'shop|b' must match");
        TrainCommand.checkTenant("shop-b", null, "b-recs");
        TrainCommand.checkTenant("default", java.nio.file.Path.of("events.csv"), "seqrec");
    }

    @Test
    void theDenseEaseTermReadsFiftyEventsByDefaultAndTheOptionsChangeIt() {
        assertThat(easeDense()).as("default: the events the app keeps").isEqualTo(50);
        assertThat(easeDense("--ease-dense")).as("without a value").isEqualTo(200);
        assertThat(easeDense("--ease-dense=100")).isEqualTo(100);
        assertThat(easeDense("--ease-dense=0")).as("off").isZero();
        assertThat(easeDense("--ease")).as("the table replaces it").isZero();
        assertThat(dev.streamrec.trainer.train.TrainingSettings.defaults().easeDense()).isEqualTo(50);
        assertThat(dev.streamrec.trainer.train.TrainingSettings.defaults().withEase(true).easeDense()).isZero();
    }

    @Test
    void patienceDefaultsPerModelAndTheOptionSetsBoth() {
        ModelOptions defaults = options();
        assertThat(defaults.training().patience()).isEqualTo(dev.streamrec.trainer.train.TrainingSettings.defaults().patience());
        assertThat(defaults.sasrec().patience()).isEqualTo(dev.streamrec.trainer.seq.SasRecSettings.defaults().patience());
        ModelOptions eight = options("--patience", "8");
        assertThat(eight.training().patience()).isEqualTo(8);
        assertThat(eight.sasrec().patience()).isEqualTo(8);
    }

    private static ModelOptions options(String... args) {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs(args);
        return command.model;
    }

    private static int easeDense(String... args) {
        TrainCommand command = new TrainCommand();
        new CommandLine(command).parseArgs(args);
        return command.model.training().easeDense();
    }
}
