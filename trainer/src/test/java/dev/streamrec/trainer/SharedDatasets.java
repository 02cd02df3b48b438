package dev.streamrec.trainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The project's shared datasets ({@code shared/datasets/NAME}, a sibling of the repository: never
 * committed). Looked up from the working directory upwards; {@code -Dstreamrec.datasets=DIR} overrides.
 */
public final class SharedDatasets {

    private SharedDatasets() {
    }

    public static Optional<Path> find(String name) {
        String override = System.getProperty("streamrec.datasets");
        if (override != null) {
            Path p = Path.of(override, name);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        Path dir = Path.of("").toAbsolutePath();
        for (int up = 0; up < 5 && dir != null; up++, dir = dir.getParent()) {
            Path p = dir.resolve("shared").resolve("datasets").resolve(name);
            if (Files.isDirectory(p.resolve("leave-last-out"))) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
