package dev.streamrec.app.scoring;

/** Where the scorer gets the model to use: the hot-swapping {@code dev.streamrec.app.model.ModelManager}. */
public interface ModelSource {

    /** A lease on the model serving now, or {@code null} when none is loaded (the caller falls back to the heuristic). */
    ModelLease acquire();

    /**
     * {@code lists} lists scored by {@code version} had a non-finite score (NaN or infinity) and were
     * ranked by the heuristic instead; a source may withdraw a version that keeps doing it.
     */
    default void nonFinite(String version, int lists) {
    }
}
