package dev.streamrec.app.topology;

import java.util.List;

/**
 * What a ranker gets for one triggering event.
 *
 * @param userId      the user
 * @param history     the user's recent events, oldest first, the triggering event last
 * @param candidates  co-visitation and trending candidates, already without purchased and
 *                    out-of-stock items, in no particular order
 * @param k           how many items to return at most
 * @param eventTime   event time of the triggering event, epoch ms
 */
public record RankingRequest(String userId, List<UserAction> history, List<Candidate> candidates, int k,
                             long eventTime) {
}
