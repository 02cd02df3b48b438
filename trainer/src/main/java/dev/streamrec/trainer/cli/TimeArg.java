package dev.streamrec.trainer.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import picocli.CommandLine;

/** Parses a timestamp given as epoch milliseconds or ISO-8601 (2026-11-23T10:15:00Z) into epoch ms. */
final class TimeArg implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException notMillis) {
            try {
                return Instant.parse(value).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is neither epoch ms nor ISO-8601");
            }
        }
    }
}
