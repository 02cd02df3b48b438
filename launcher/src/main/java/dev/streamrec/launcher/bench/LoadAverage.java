package dev.streamrec.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The 1-, 5- and 15-minute load averages of {@code /proc/loadavg}, so a figure says how busy the machine was. */
public final class LoadAverage {

    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private LoadAverage() {
    }

    /** The three averages, or an empty list where {@code /proc/loadavg} cannot be read (not Linux). */
    public static List<Double> now() {
        try {
            String[] fields = Files.readString(LOADAVG).trim().split("\\s+");
            return Arrays.stream(fields, 0, 3).map(Double::parseDouble).toList();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
