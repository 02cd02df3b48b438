/**
 * The {@code dev} command: in-process broker, streams app, trainer and event source on one machine, with
 * its checks before anything starts ({@link dev.streamrec.launcher.dev.DevPreflight}), its logs in a file
 * ({@link dev.streamrec.launcher.dev.DevLogging}) and its live console ({@link dev.streamrec.launcher.dev.LiveView}).
 */
package dev.streamrec.launcher.dev;
