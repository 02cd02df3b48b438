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
 * @param candidates  co-visitation and trending candidates, already without excluded items, in no
 *                    particular order; NOT stock-checked: a ranker must test {@code available} on the
 *                    items it returns, lazily, best first, so an event costs about k catalogue lookups
 * @param k           how many items to return at most
 * @param eventTime   event time of the triggering event, epoch ms
 * @param excluded    items never to return: everything the user purchased and the triggering item
 *                    ({@code ExclusionPolicy}, computed once per event; a ranker that looks beyond the
 *                    candidates, e.g. full-catalog scoring, needs it)
 * @param available   false for items the catalogue marks out of stock: never return such an item
 */
public record RankingRequest(String userId, History history, List<Candidate> candidates, int k,
                             long eventTime, Set<String> excluded, Predicate<String> available) {

    /** A request whose candidates are all there is to rank (no exclusions or stock to apply beyond them). */
    public RankingRequest(String userId, History history, List<Candidate> candidates, int k, long eventTime) {
        this(userId, history, candidates, k, eventTime, Set.of(), item -> true);
    }
}
