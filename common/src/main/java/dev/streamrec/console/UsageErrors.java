package dev.streamrec.console;

import picocli.CommandLine;

/** How every command line of the project reports a usage error. */
public final class UsageErrors {

    private UsageErrors() {
    }

    /**
     * Makes usage errors one line plus a pointer to {@code --help} instead of the whole usage text (picocli's
     * default, 140 lines and more for the trainer's commands); the exit code stays 2.
     */
    public static CommandLine shortForm(CommandLine cli) {
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println("error: " + ex.getMessage());
            failed.getErr().println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
            failed.getErr().flush();
            return failed.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cli;
    }
}
