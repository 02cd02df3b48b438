/**
 * The operator commands of the streams app: serve, simulate, import (replay and reset come from
 * ops). The launcher module adds, in this package, the ones that also need the trainer: dev (the
 * embedded run) and bench.
 */
package dev.streamrec.app.cli;
