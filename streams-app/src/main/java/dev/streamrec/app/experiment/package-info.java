/**
 * A/B experiments: definitions on the compacted {@code experiments} topic ({@link ExperimentsFollower}),
 * checked by {@link ExperimentRules}, deterministic assignment of users to variants
 * ({@link Assignment}), the topology's ranker that ranks each list by the user's variant
 * ({@link ExperimentRanker}), and the per-variant meters ({@link ExperimentMetrics}).
 */
package dev.streamrec.app.experiment;
