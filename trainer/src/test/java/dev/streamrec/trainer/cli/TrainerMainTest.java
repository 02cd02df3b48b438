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
}
