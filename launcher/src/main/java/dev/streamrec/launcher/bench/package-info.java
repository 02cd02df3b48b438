/**
 * The benchmarks: {@link dev.streamrec.launcher.bench.BenchCommand} ({@code bench}: one app instance under
 * test fed from its own topics, {@link dev.streamrec.launcher.bench.AppUnderTest}, the offered-rate latency
 * probe, {@link dev.streamrec.launcher.bench.LatencyProbe}, and the machine's load average) and
 * {@link dev.streamrec.launcher.bench.ScorerBenchCommand} ({@code bench-scorer}: the scorer alone on
 * trainer-built models). They live here, not in streams-app, because they build models with the trainer.
 */
package dev.streamrec.launcher.bench;
