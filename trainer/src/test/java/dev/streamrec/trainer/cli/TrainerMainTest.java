package dev.streamrec.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
        StringWriter err = new StringWriter();
        CommandLine cli = TrainerMain.commandLine();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("train", "--bootstrap-servers", "localhost:1", "--tenant", "shop-b")).isEqualTo(1);
        assertThat(err.toString()).contains("--tenant shop-b needs --model-name");
        assertThat(cli.execute("train", "--input", "events.csv", "--tenant", "shop-b", "--model-name", "b")).isEqualTo(1);
        assertThat(err.toString()).contains("an --input file has no tenants");
        assertThat(cli.execute("train", "--bootstrap-servers", "localhost:1", "--tenant", "shop|b")).isEqualTo(1);
        assertThat(err.toString()).contains("--tenant: tenant id 'shop|b' must match");
    }
}
