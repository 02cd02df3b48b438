package dev.streamrec.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;

/**
 * Reads interaction files into {@link UserEvent}s, sorted by event time (stable, so equal
 * timestamps keep file order). Two formats:
 * <ul>
 *   <li>{@link Format#MOVIELENS}: MovieLens {@code u.data} / {@code *.rating}, tab separated
 *       {@code user item rating unixSeconds}; a rating of 4 or 5 becomes a PURCHASE, lower a CLICK;</li>
 *   <li>{@link Format#CSV}: {@code userId,itemId,type,timestamp[,sessionId]}, an optional header
 *       line, type one of VIEW/CLICK/ADD_TO_CART/PURCHASE, timestamp in epoch ms or ISO-8601.</li>
 * </ul>
 * Event ids are derived from the line's content, so importing a file twice yields the same ids and
 * the streams app de-duplicates the second pass.
 */
public final class EventCsv {

    /** File layouts understood. AUTO picks MOVIELENS for tab-separated lines, else CSV. */
    public enum Format { AUTO, MOVIELENS, CSV }

    /** A line that cannot be read, with its number. */
    public static final class BadLineException extends IllegalArgumentException {
        public BadLineException(Path file, long line, String why) {
            super(file + ":" + line + ": " + why);
        }
    }

    private EventCsv() {
    }

    public static List<UserEvent> read(Path file, Format format) {
        List<UserEvent> events = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            Format resolved = format;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (resolved == Format.AUTO) {
                    resolved = line.indexOf('\t') >= 0 ? Format.MOVIELENS : Format.CSV;
                }
                if (resolved == Format.CSV && n == 1 && line.toLowerCase(Locale.ROOT).startsWith("userid")) {
                    continue; // header
                }
                events.add(resolved == Format.MOVIELENS ? movieLens(file, n, line) : csv(file, n, line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read events from " + file, e);
        }
        events.sort(Comparator.comparingLong(UserEvent::getTimestamp));
        return events;
    }

    private static UserEvent movieLens(Path file, long n, String line) {
        String[] f = line.split("\t");
        if (f.length < 4) {
            throw new BadLineException(file, n, "expected 'user<TAB>item<TAB>rating<TAB>unixSeconds', got " + f.length + " fields");
        }
        try {
            int rating = (int) Double.parseDouble(f[2].trim());
            long ts = Long.parseLong(f[3].trim()) * 1000L;
            EventType type = rating >= 4 ? EventType.PURCHASE : EventType.CLICK;
            return event(f[0].trim(), f[1].trim(), type, ts, null, line);
        } catch (NumberFormatException e) {
            throw new BadLineException(file, n, "not a number: " + e.getMessage());
        }
    }

    private static UserEvent csv(Path file, long n, String line) {
        String[] f = line.split(",", -1);
        if (f.length < 4 || f.length > 5) {
            throw new BadLineException(file, n, "expected 'userId,itemId,type,timestamp[,sessionId]', got " + f.length + " fields");
        }
        EventType type;
        try {
            type = EventType.valueOf(f[2].trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadLineException(file, n, "unknown event type '" + f[2].trim() + "' (VIEW, CLICK, ADD_TO_CART, PURCHASE)");
        }
        if (type == EventType.UNKNOWN) {
            throw new BadLineException(file, n, "event type UNKNOWN is not allowed");
        }
        String session = f.length == 5 && !f[4].isBlank() ? f[4].trim() : null;
        return event(f[0].trim(), f[1].trim(), type, timestamp(file, n, f[3].trim()), session, line);
    }

    private static long timestamp(Path file, long n, String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException notEpoch) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new BadLineException(file, n, "timestamp '" + s + "' is neither epoch ms nor ISO-8601");
            }
        }
    }

    private static UserEvent event(String user, String item, EventType type, long ts, String session, String line) {
        return UserEvent.newBuilder()
                .setEventId(UUID.nameUUIDFromBytes(line.getBytes(StandardCharsets.UTF_8)).toString())
                .setUserId(user).setItemId(item).setType(type).setTimestamp(ts).setSessionId(session)
                .setContext(Map.of()).build();
    }
}
