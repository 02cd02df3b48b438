package dev.streamrec.launcher.dev;

import java.io.PrintStream;
import java.util.regex.Pattern;

/**
 * The console of {@code dev}: one status line redrawn in place, with notes printed above it, so
 * that nothing glues onto the status line. On a terminal the line is redrawn with a carriage return;
 * otherwise (CI, a pipe) each status is a line of its own. Logs go to a file, not here.
 */
final class LiveView {

    private static final Pattern BAR = Pattern.compile("\\[[=> ]*] ");

    private final PrintStream out;
    private final boolean tty;
    private String status = "";
    private volatile String training = "";
    private volatile long trainingAtNanos;

    LiveView(PrintStream out, boolean tty) {
        this.out = out;
        this.tty = tty;
    }

    /** Replaces the status line; on a terminal cut to its width, since a wrapped line cannot be redrawn in place. */
    synchronized void status(String line) {
        status = tty && line.length() >= width() ? line.substring(0, width() - 1) : line;
        out.print(tty ? "\r" + status + "\u001b[K" : status + "\n");
        out.flush();
    }

    /** Prints a line above the status line, which is then drawn again. */
    synchronized void note(String line) {
        if (tty) {
            out.print("\r\u001b[K" + line + "\n" + status + "\u001b[K");
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** The latest progress line of a background task (a retrain's epochs), without its bar; shown while it is fresh. */
    void training(String progress) {
        training = BAR.matcher(progress).replaceFirst("").replaceAll("\\s+", " ");
        trainingAtNanos = System.nanoTime();
    }

    /** The training progress if drawn in the last few seconds, else empty. */
    String trainingProgress() {
        return System.nanoTime() - trainingAtNanos < 5_000_000_000L ? training : "";
    }

    /** The terminal's width: {@code COLUMNS} when the shell exports it, else 120. */
    private static int width() {
        try {
            return Math.max(40, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120")));
        } catch (NumberFormatException e) {
            return 120;
        }
    }

    /** Ends the status line so that what follows starts on a line of its own. */
    synchronized void close() {
        if (tty && !status.isEmpty()) {
            out.println();
        }
        status = "";
    }
}
