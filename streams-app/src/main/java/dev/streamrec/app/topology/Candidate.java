package dev.streamrec.app.topology;

/**
 * An item the topology proposes for ranking.
 *
 * @param itemId          catalogue id
 * @param heuristicScore  co-visitation score normalised to [0, 1] plus the trending bonus
 * @param reason          why it is a candidate: {@code co-visited:<itemId>} (the user's item that
 *                        contributed most) or {@code trending}
 */
public record Candidate(String itemId, double heuristicScore, String reason) {
}
