/**
 * A/B experiment analysis: joins recommendation lists with the users' following events
 * ({@link ExperimentAnalysis}), the statistics ({@link Proportions}: Wilson intervals, relative
 * lift, two-proportion z-test), the text and JSON report ({@link ExperimentReport}), and the
 * {@code experiment report} command that reads both topics over a time range.
 */
package dev.streamrec.ops.experiment;
