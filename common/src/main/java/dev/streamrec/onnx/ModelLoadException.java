package dev.streamrec.onnx;

/**
 * An artifact that must not serve, with the check it failed ({@link #reason()}): missing files, an
 * unreadable manifest, a checksum or contract mismatch, a graph that does not open, or a golden
 * input that gives a wrong answer. The message says which and where; callers keep the model they had.
 */
public class ModelLoadException extends RuntimeException {

    /** Which check refused the artifact, in the order they run. */
    public enum Reason {
        /** The artifact could not be fetched (the streams app's download step). */
        FETCH_FAILED,
        /** {@code model.onnx} or {@code manifest.json} is missing or cannot be read. */
        MISSING_FILE,
        /** The manifest is not valid JSON of the manifest's shape. */
        BAD_MANIFEST,
        /** Contract version, declared signature, or name/version differ from what the reader expects. */
        CONTRACT_MISMATCH,
        /** The model file's sha256 differs from the manifest's (or the announcement's). */
        CHECKSUM_MISMATCH,
        /** ONNX Runtime could not open the graph (or the demanded device is missing). */
        OPEN_FAILED,
        /** The graph's inputs or outputs differ from the contract. */
        SIGNATURE_MISMATCH,
        /** The golden input gave other top items, other scores, NaN/inf, or wrong shapes. */
        GOLDEN_MISMATCH,
        /** A warm-up call failed or gave non-finite scores. */
        WARM_UP_FAILED
    }

    private final Reason reason;

    public ModelLoadException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelLoadException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
