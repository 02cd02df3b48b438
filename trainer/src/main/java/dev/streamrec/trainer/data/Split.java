package dev.streamrec.trainer.data;

import java.util.List;

/** Training events and the held-out cases evaluated on them. */
public record Split(EventLog train, List<EvalCase> holdout) {
}
