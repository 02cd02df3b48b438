package dev.streamrec.app.topology;

/**
 * What the recommend step reads: a {@link ValidEvent} to rank, or an {@link EraseUser} request from
 * the user-deletions topic. Both go through the one processor, because erasing a user must also drop
 * the user's events still waiting in that processor's scoring buffer (and its in-memory index).
 */
sealed interface RecommendInput permits ValidEvent, EraseUser {
}
