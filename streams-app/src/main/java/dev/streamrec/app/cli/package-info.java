/** The operator command line of the streams app: serve, dev (embedded run), simulate, import, bench, replay, reset. */
package dev.streamrec.app.cli;
