package dev.streamrec.console;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Range checks of a command's options, made before the command does anything: a value out of range is a usage error
 * (picocli prints one line and the command exits with code 2), not a stack trace later or a run that measures nothing.
 */
public final class OptionRules {

    private OptionRules() {
    }

    /** {@code option} must be at least {@code min}. */
    public static void atLeast(CommandSpec spec, String option, double value, double min) {
        if (!(value >= min)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at least " + number(min)
                    + ", was " + number(value));
        }
    }

    /** {@code option} must be more than 0. */
    public static void positive(CommandSpec spec, String option, double value) {
        if (!(value > 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be more than 0, was " + number(value));
        }
    }

    /** {@code option}, a duration, must be more than 0. */
    public static void positive(CommandSpec spec, String option, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be more than 0, was " + value);
        }
    }

    /** A time range given by two options, either of them absent (null): {@code from} must be before {@code to}. */
    public static void before(CommandSpec spec, String fromOption, Instant from, String toOption, Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new CommandLine.ParameterException(spec.commandLine(), fromOption + " " + from + " is not before "
                    + toOption + " " + to);
        }
    }

    /** A TCP port to listen on: 1 to 65535, or 0 where {@code zeroPicksOne} (a free one). */
    public static void port(CommandSpec spec, String option, int value, boolean zeroPicksOne) {
        if (value < (zeroPicksOne ? 0 : 1) || value > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a port, 1 to 65535"
                    + (zeroPicksOne ? " (0 picks a free one)" : "") + ", was " + value);
        }
    }

    /** {@code option} must be one of {@code choices}. */
    public static void oneOf(CommandSpec spec, String option, String value, List<String> choices) {
        if (!choices.contains(value)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be one of "
                    + String.join(", ", choices) + ", was " + value);
        }
    }

    /**
     * {@code parse} applied to {@code option}'s value; its IllegalArgumentException (an unknown name: its message
     * names the known ones) becomes a usage error naming the option.
     */
    public static <T> T parsed(CommandSpec spec, String option, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
