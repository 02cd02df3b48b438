package dev.streamrec.app.topology;

/**
 * A request to erase a user, from the user-deletions topic (keyed by userId, co-partitioned with
 * user-events, so it reaches the task that holds the user's state).
 *
 * @param userId      the user
 * @param requestedAt when the deletion was asked for, epoch ms
 */
record EraseUser(String userId, long requestedAt) implements RecommendInput {
}
