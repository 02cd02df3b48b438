package dev.streamrec.ops.replay;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import picocli.CommandLine;

/**
 * A predicate on one record header: {@code name=regex}. It matches when the record has the header
 * and the regex is found in the latest value with that name, read as UTF-8 (so {@code
 * __streams.errors.exception=RecordDecodingException} matches the fully qualified class name; anchor
 * with {@code ^...$} for an exact match).
 */
public record HeaderMatch(String name, Pattern regex) {

    public static HeaderMatch parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("bad header match '" + text + "': expected NAME=REGEX");
        }
        try {
            return new HeaderMatch(text.substring(0, eq), Pattern.compile(text.substring(eq + 1)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("bad regex in header match '" + text + "': "
                    + e.getDescription() + " near index " + e.getIndex());
        }
    }

    public boolean matches(Headers headers) {
        Header h = headers.lastHeader(name);
        if (h == null) {
            return false;
        }
        String value = h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
        return regex.matcher(value).find();
    }

    @Override
    public String toString() {
        return name + "=" + regex.pattern();
    }

    /** picocli converter. */
    public static final class Converter implements CommandLine.ITypeConverter<HeaderMatch> {
        @Override
        public HeaderMatch convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
