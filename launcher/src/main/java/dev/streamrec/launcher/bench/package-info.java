/**
 * The pieces of the {@code bench} command's steady-state and latency phases: one app instance under
 * test fed from its own topics ({@link dev.streamrec.app.bench.AppUnderTest}), the offered-rate latency
 * probe ({@link dev.streamrec.app.bench.LatencyProbe}) and the machine's load average. The command
 * itself ({@code dev.streamrec.app.cli.BenchCommand}) orders the phases and prints the figures.
 */
package dev.streamrec.app.bench;
