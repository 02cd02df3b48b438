package dev.streamrec.console;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import picocli.CommandLine;

/**
 * A point in time given on the command line: epoch milliseconds ({@code 1795428000000}), an ISO-8601
 * instant or offset date-time ({@code 2026-11-23T10:00:00Z}, {@code 2026-11-23T11:00:00+01:00}), or a
 * local date-time or date, read as UTC ({@code 2026-11-23T10:00}, {@code 2026-11-23}). The one time
 * parser of every command (ops' replay and reset, the trainer's training window).
 */
public final class TimeArgument implements CommandLine.ITypeConverter<Instant> {

    /** What the accepted forms look like, for help texts and error messages. */
    public static final String FORMATS = "epoch ms (1795428000000) or ISO-8601 (2026-11-23T10:00:00Z, "
            + "2026-11-23T11:00:00+01:00, 2026-11-23T10:00 or 2026-11-23 as UTC)";

    /**
     * Parses one point in time; throws {@link IllegalArgumentException} with a one-line message. Times before
     * 1970-01-01T00:00:00Z are refused: Kafka's offset lookup reads a negative timestamp as a marker (-1 the end of
     * a partition, -2 its start), so a reset "to 1969" would have moved every offset to the end.
     */
    public static Instant parse(String text) {
        Instant t = parseAny(text);
        if (t.isBefore(Instant.EPOCH)) {
            throw new IllegalArgumentException("bad time '" + text + "': before 1970-01-01T00:00:00Z (epoch ms 0)");
        }
        return t;
    }

    private static Instant parseAny(String text) {
        String s = text.strip();
        if (s.matches("\\d{1,19}")) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad time '" + text + "': more epoch milliseconds than a long holds");
            }
        }
        try {
            return OffsetDateTime.parse(s).toInstant(); // also takes a trailing Z
        } catch (DateTimeParseException ignored) {
            // not an offset date-time; try the UTC forms below
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // not a local date-time
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("bad time '" + text + "': expected " + FORMATS);
        }
    }

    @Override
    public Instant convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** The same forms, for options that hold epoch milliseconds. */
    public static final class EpochMillis implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return new TimeArgument().convert(value).toEpochMilli();
        }
    }
}
