package dev.streamrec.app.topology;

import dev.streamrec.avro.EventType;

/**
 * What the topology counts. The application backs it with Micrometer
 * ({@code dev.streamrec.app.metrics.StreamrecMetrics}); tests may record calls. Implementations are
 * called from stream threads and must be thread-safe and cheap.
 *
 * <p>Counts are not transactional: a task that aborts a transaction and reprocesses its records
 * counts them again, so they are rates to watch, not exact record counts.
 */
public interface TopologyMetrics {

    /** Every decoded {@code user-events} record, valid or not, duplicates included. */
    void eventIn(EventType type);

    /** A record sent to the dead-letter topic (or, for other topics, dropped). */
    void rejected(RejectReason reason);

    /** A duplicate delivery dropped by the de-duplication step. */
    void duplicate();

    /** One {@code Recommendations} record produced, with the number of candidates the ranker saw. */
    void recommendationsOut(int candidates);

    /** Values of {@link #recommendationsOut(int, String)}'s {@code source}. */
    String SOURCE_MODEL = "model";
    String SOURCE_HEURISTIC = "heuristic";

    /**
     * One {@code Recommendations} record produced, and who ranked it: {@value #SOURCE_MODEL} or
     * {@value #SOURCE_HEURISTIC} (no model loaded, or scoring failed). By default counted as
     * {@link #recommendationsOut(int)}.
     */
    default void recommendationsOut(int candidates, String source) {
        recommendationsOut(candidates);
    }

    /** Does nothing. */
    TopologyMetrics NOOP = new TopologyMetrics() {
        @Override
        public void eventIn(EventType type) {
        }

        @Override
        public void rejected(RejectReason reason) {
        }

        @Override
        public void duplicate() {
        }

        @Override
        public void recommendationsOut(int candidates) {
        }
    };
}
