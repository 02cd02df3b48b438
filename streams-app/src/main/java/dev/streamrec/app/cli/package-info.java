/**
 * The operator commands of the streams app: serve, simulate, import, the standalone broker (replay and
 * reset come from ops); serve stops in order on Ctrl-C/SIGTERM ({@link dev.streamrec.console.StopSignals}).
 * The commands that also need the trainer (dev, bench) live in the launcher module's own packages.
 */
package dev.streamrec.app.cli;
