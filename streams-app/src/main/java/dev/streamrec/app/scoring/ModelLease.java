package dev.streamrec.app.scoring;

import dev.streamrec.onnx.RecommenderSession;

/**
 * The right to use one loaded model for one call: while any lease is open, its session stays open,
 * even if a newer model has been swapped in. Close it when the call returned (try-with-resources).
 */
public interface ModelLease extends AutoCloseable {

    RecommenderSession session();

    /** The model's version, as announced on model-updates. */
    String version();

    @Override
    void close();
}
