/**
 * The operator commands of the streams app: serve, simulate, import, the standalone broker (replay and
 * reset come from ops), and {@link dev.streamrec.app.cli.StopSignals}, the orderly stop on Ctrl-C/SIGTERM.
 * The commands that also need the trainer (dev, bench) live in the launcher module's own packages.
 */
package dev.streamrec.app.cli;
