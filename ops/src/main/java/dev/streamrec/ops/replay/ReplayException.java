package dev.streamrec.ops.replay;

import dev.streamrec.ops.OpsException;

/** A replay that stopped part way (a write failed, the source stalled); carries what was done. */
public final class ReplayException extends OpsException {

    private final transient ReplayResult partialResult;

    public ReplayException(String message, ReplayResult partialResult, Throwable cause) {
        super(message, cause);
        this.partialResult = partialResult;
    }

    public ReplayResult partialResult() {
        return partialResult;
    }
}
