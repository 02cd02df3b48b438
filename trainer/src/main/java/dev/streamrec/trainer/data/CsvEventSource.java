package dev.streamrec.trainer.data;

import java.nio.file.Path;

import dev.streamrec.events.EventCsv;

/** Offline input: the importer's formats (MovieLens {@code u.data}/{@code *.rating} or generic CSV). */
public final class CsvEventSource {

    private CsvEventSource() {
    }

    public static EventLog read(Path file) {
        return EventLog.of(EventCsv.read(file, EventCsv.Format.AUTO), file.toString());
    }
}
