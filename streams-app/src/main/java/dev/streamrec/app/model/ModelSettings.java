package dev.streamrec.app.model;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Hot-swap configuration ({@code streamrec.models.*}; what may be fetched is {@link ArtifactPolicy}).
 *
 * @param follow             follow the model-updates topic (off: only the admin API loads models)
 * @param name               follow only announcements of this model name; empty follows any
 * @param adminTimeout       how long an admin pin/rollback waits for its load
 * @param stateFile          where pins, withdrawals and refusals are kept across restarts; null keeps them in memory
 * @param nonFiniteThreshold lists with a non-finite score (NaN, infinity) one version may produce
 *                           before it is withdrawn as unhealthy; each such list is ranked by the heuristic
 */
public record ModelSettings(boolean follow, String name, Duration adminTimeout, Path stateFile, int nonFiniteThreshold) {

    public static ModelSettings defaults() {
        return new ModelSettings(true, "", Duration.ofMinutes(5), null, 10);
    }

    public ModelSettings withStateFile(Path file) {
        return new ModelSettings(follow, name, adminTimeout, file, nonFiniteThreshold);
    }

    public ModelSettings withNonFiniteThreshold(int threshold) {
        return new ModelSettings(follow, name, adminTimeout, stateFile, threshold);
    }

    public boolean accepts(String modelName) {
        return name == null || name.isBlank() || name.equals(modelName);
    }
}
