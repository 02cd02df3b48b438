/**
 * Replaying a range of a topic into another, filtered and rate-limited: the plain API
 * ({@link dev.streamrec.ops.replay.Replayer} with a {@link dev.streamrec.ops.replay.ReplaySpec}) and
 * the {@code replay} command on top of it. Used to drain the dead-letter topic after a fix, to
 * reprocess a window after an incident, and to copy a slice of traffic into a scratch topic.
 */
package dev.streamrec.ops.replay;
