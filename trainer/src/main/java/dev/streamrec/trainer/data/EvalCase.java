package dev.streamrec.trainer.data;

import java.util.List;

import dev.streamrec.onnx.HistoryEvent;

/**
 * One held-out event to predict: the user's history before it (oldest first), the item they went
 * on to use, when they did, and the sampled negatives the held-out item is ranked against.
 */
public record EvalCase(String userId, List<HistoryEvent> history, String target, long timestamp, List<String> negatives) {

    /**
     * When the case is scored, the time history ages are measured from: the latest history event's
     * time, as the streams app scores when that event arrives. Not the target's time, which is not
     * known then (on session data the gap to the next event would tell the model whether a new
     * session starts). The target's time only when there is no history.
     */
    public long scoringTime() {
        return history.isEmpty() ? timestamp : history.getLast().timestamp();
    }
}
