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

    /**
     * A list was emitted: its item ids, and the event time of the event that triggered it (the
     * end-to-end latency is measured from there).
     */
    default void emitted(java.util.List<String> itemIds, long eventTimeMs) {
    }

    /** A click or purchase; {@code hit} when its item was recommended to that user within the quality window. */
    default void interaction(boolean hit) {
    }

    /**
     * The online hit rate's memory of a task dropped {@code users} users before their lists left the quality
     * window ({@code streamrec.caches.recently-shown-users} reached): their later hits will be missed.
     */
    default void recentlyShownDropped(int users) {
    }

    /** A list ranked by {@code variant} of A/B experiment {@code experiment} was emitted. */
    default void experimentEmitted(String experiment, String variant, java.util.List<String> itemIds) {
    }

    /** A click or purchase by a user in {@code variant} of {@code experiment}; {@code hit} as in {@link #interaction}. */
    default void experimentInteraction(String experiment, String variant, boolean hit) {
    }

    /**
     * One of the instance's heap caches, {@code name} its {@code streamrec.caches.*} key ({@code neighbour-lists},
     * {@code catalog-items}), to be read whenever metrics are scraped. Called once per topology built.
     */
    default void cache(String name, CacheStats stats) {
    }

    /** An item some valid event was about (the denominator of catalogue coverage). */
    default void seen(String itemId) {
    }

    /**
     * A record the app could not write ({@code topicRole}: {@code dead-letter}, {@code output} or
     * {@code internal}; {@code error}: a bounded name such as {@code RECORD_TOO_LARGE}), handled by
     * {@link ProductionErrorHandler}.
     */
    default void productionError(String topicRole, String error) {
    }

    /** A valid event of {@code tenant} (label capped, see {@code metrics.TenantLabels}). */
    default void tenantEvent(String tenant) {
    }

    /** A recommendations list produced for a user of {@code tenant}. */
    default void tenantRecommendation(String tenant) {
    }

    /** A user erased by a user-deletions record (state, pending events and latest list removed). */
    default void userErased() {
    }

    /**
     * Reads of the catalogue global store made while ranking one event, or one micro-batch of
     * {@code events} (stock checked lazily by the rankers: about k reads per event, not one per
     * candidate). Not exported; tests assert the bound.
     */
    default void catalogueLookups(int events, int lookups) {
    }

    /** A dead-letter record whose value (or key) was cut to fit the size bound. */
    default void deadLetterTruncated() {
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
