package dev.streamrec.app.topology;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a ranker gets for one triggering event.
 *
 * @param userId      the user
 * @param history     the user's recent events, oldest first, the triggering event last (the store's decoded
 *                    history itself, read by index up to the model's tensors)
 * @param candidates  co-visitation and trending candidates, already without purchased and
 *                    out-of-stock items, in no particular order
 * @param k           how many items to return at most
 * @param eventTime   event time of the triggering event, epoch ms
 * @param excluded    items never to return: everything the user purchased and the triggering item
 *                    ({@code ExclusionPolicy}, computed once per event; a ranker that looks beyond the
 *                    candidates, e.g. full-catalog scoring, needs it)
 * @param available   false for items the catalogue marks out of stock (same purpose)
 */
public record RankingRequest(String userId, History history, List<Candidate> candidates, int k,
                             long eventTime, Set<String> excluded, Predicate<String> available) {

    /** A request whose candidates are all there is to rank (no exclusions or stock to apply beyond them). */
    public RankingRequest(String userId, History history, List<Candidate> candidates, int k, long eventTime) {
        this(userId, history, candidates, k, eventTime, Set.of(), item -> true);
    }
}
