package dev.streamrec.ops;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;

/** Output, error output and exit code of one command run, as the streams app's CLI would run it. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(command);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
