package dev.streamrec.console;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A progress line for long work: done/total, rate and ETA. On a terminal it redraws one line; when
 * output goes to a file or CI log it prints a plain line every few seconds instead. Thread-safe.
 *
 * <p>A program that owns the console with a live view of its own ({@code dev}) can {@link #routeTo route}
 * the bars' lines into that view instead, so that background work (a retrain's epochs) shows as one
 * changing field rather than a line per bar.
 */
public final class ProgressBar implements AutoCloseable {

    private static volatile Consumer<String> route;

    /** From now on, bars created with {@link #ProgressBar(String, long)} hand each drawn line to {@code sink}; null restores the console. */
    public static void routeTo(Consumer<String> sink) {
        route = sink;
    }

    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final Consumer<String> sink;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private final long intervalNanos;
    private long done;
    private long lastDrawNanos;

    /** @param total expected units of work, or -1 when unknown */
    public ProgressBar(String label, long total) {
        this(label, total, System.err, System.console() != null, route);
    }

    public ProgressBar(String label, long total, PrintStream out, boolean interactive) {
        this(label, total, out, interactive, null);
    }

    private ProgressBar(String label, long total, PrintStream out, boolean interactive, Consumer<String> sink) {
        this.label = label;
        this.total = total;
        this.out = out;
        this.sink = sink;
        this.interactive = interactive || sink != null;
        this.intervalNanos = this.interactive ? 200_000_000L : 5_000_000_000L;
    }

    public synchronized void step(long n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastDrawNanos >= intervalNanos) {
            lastDrawNanos = now;
            draw(false);
        }
    }

    public synchronized long done() {
        return done;
    }

    private void draw(boolean last) {
        double secs = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        double rate = done / secs;
        StringBuilder line = new StringBuilder(label).append(' ');
        if (total > 0) {
            double frac = Math.min(1.0, (double) done / total);
            int filled = (int) (frac * WIDTH);
            line.append('[').append("=".repeat(filled)).append(filled < WIDTH ? ">" : "")
                    .append(" ".repeat(Math.max(0, WIDTH - filled - 1))).append("] ")
                    .append(String.format(Locale.ROOT, "%3.0f%% %,d/%,d", frac * 100, done, total));
        } else {
            line.append(String.format(Locale.ROOT, "%,d", done));
        }
        line.append(String.format(Locale.ROOT, "  %,.0f/s", rate));
        if (last) {
            line.append(String.format(Locale.ROOT, "  in %s", duration(secs)));
        } else if (total > 0 && rate > 0) {
            line.append("  ETA ").append(duration((total - done) / rate));
        }
        if (sink != null) {
            sink.accept(line.toString());
            return;
        }
        if (interactive) {
            out.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String duration(double secs) {
        long s = Math.round(secs);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Prints the final line with the elapsed time. */
    @Override
    public synchronized void close() {
        draw(true);
    }
}
