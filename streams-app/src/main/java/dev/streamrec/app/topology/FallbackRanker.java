package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ranks a micro-batch so that no request is left without a ranking: the batch in one
 * {@link Ranker#rankAll} call; if that fails (or answers the wrong number of rankings), each request
 * alone; a request that still fails gets the {@link HeuristicRanker}'s ranking. A buffered event can't
 * be dead-lettered (its record context is gone), and it must not block the buffer.
 */
final class FallbackRanker {

    private static final Logger LOG = LoggerFactory.getLogger(FallbackRanker.class);

    private final Ranker ranker;
    private final HeuristicRanker heuristic = new HeuristicRanker();

    FallbackRanker(Ranker ranker) {
        this.ranker = ranker;
    }

    List<Ranking> rankAll(List<RankingRequest> requests, TaskId task) {
        try {
            List<Ranking> out = ranker.rankAll(requests);
            if (out.size() == requests.size()) {
                return out;
            }
            LOG.error("ranker returned {} rankings for {} requests; ranking them one by one", out.size(), requests.size());
        } catch (RuntimeException e) {
            LOG.error("ranking a batch of {} failed in task {}; ranking them one by one", requests.size(), task, e);
        }
        List<Ranking> out = new ArrayList<>(requests.size());
        for (RankingRequest r : requests) {
            try {
                out.add(ranker.rank(r));
            } catch (RuntimeException e) {
                LOG.error("ranking for user {} failed in task {}; heuristic ranking instead", r.userId(), task, e);
                out.add(heuristic.rank(r));
            }
        }
        return out;
    }
}
