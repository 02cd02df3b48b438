package dev.streamrec.trainer.data;

import java.util.List;

import dev.streamrec.onnx.HistoryEvent;

/**
 * One held-out event to predict: the user's history before it (oldest first), the item they went
 * on to use, when (the scoring time, so ages are measured as the model would see them live), and
 * the sampled negatives the held-out item is ranked against.
 */
public record EvalCase(String userId, List<HistoryEvent> history, String target, long timestamp, List<String> negatives) {
}
