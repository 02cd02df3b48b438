package dev.streamrec.app.scoring;

import java.util.List;
import java.util.Set;

import dev.streamrec.app.topology.Candidate;
import dev.streamrec.onnx.EventHistory;
import dev.streamrec.onnx.HistoryEvent;

/**
 * One user's share of a scoring batch.
 *
 * @param userId      the user
 * @param history     recent events, oldest first (the triggering event last): in the app the history store's
 *                    decoded value itself, not a copy
 * @param candidates  what candidate mode scores, each with its reason; also the heuristic fallback's input
 * @param exclude     items never returned (purchased, the triggering item); full-catalog mode passes
 *                    them to the graph, candidate mode drops them
 * @param k           items wanted
 * @param scoringTime epoch ms the history ages are measured from (the triggering event's time, so a
 *                    replay scores the same)
 */
public record ScoreRequest(String userId, EventHistory history, List<Candidate> candidates, Set<String> exclude,
                           int k, long scoringTime) {

    public ScoreRequest {
        candidates = List.copyOf(candidates);
        exclude = Set.copyOf(exclude);
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
    }

    /** A request whose history is a list of events (tools and tests). */
    public ScoreRequest(String userId, List<HistoryEvent> history, List<Candidate> candidates, Set<String> exclude,
                        int k, long scoringTime) {
        this(userId, EventHistory.of(List.copyOf(history)), candidates, exclude, k, scoringTime);
    }
}
