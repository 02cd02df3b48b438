/**
 * Erasing a user on request: {@link dev.streamrec.app.privacy.UserDeletions} publishes the request to the
 * compacted {@code user-deletions} topic (behind {@code DELETE /users/{userId}}); the recommend step of
 * the topology erases the user's state when the request reaches the user's task, and the trainer drops
 * the user's earlier events from its next run.
 */
package dev.streamrec.app.privacy;
