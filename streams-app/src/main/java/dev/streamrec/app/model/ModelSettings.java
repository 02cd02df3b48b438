package dev.streamrec.app.model;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Hot-swap configuration ({@code streamrec.models.*}).
 *
 * @param follow          follow the model-updates topic (off: only the admin API loads models)
 * @param name            follow only announcements of this model name; empty follows any
 * @param cacheDir        where artifacts announced by http(s) URL are downloaded
 * @param downloadTimeout per HTTP request of a download
 * @param adminTimeout    how long an admin pin/rollback waits for its load
 */
public record ModelSettings(boolean follow, String name, Path cacheDir, Duration downloadTimeout,
                            Duration adminTimeout) {

    public static ModelSettings defaults() {
        return new ModelSettings(true, "", Path.of(System.getProperty("java.io.tmpdir"), "streamrec-models"),
                Duration.ofSeconds(60), Duration.ofMinutes(5));
    }

    public boolean accepts(String modelName) {
        return name == null || name.isBlank() || name.equals(modelName);
    }
}
