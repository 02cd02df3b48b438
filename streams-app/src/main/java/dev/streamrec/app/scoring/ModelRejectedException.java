package dev.streamrec.app.scoring;

import java.util.Locale;

import dev.streamrec.onnx.ModelLoadException;

/**
 * An artifact refused before it could serve, with the reason counted in
 * {@code streamrec_model_load_failures_total{reason}}. The message says what was being done and
 * where; the model that was serving keeps serving.
 */
public final class ModelRejectedException extends RuntimeException {

    /** Why an artifact was refused: the metric's label set, coarser than {@link ModelLoadException.Reason}. */
    public enum Reason {
        /** The file's sha256 differs from the announcement's or the manifest's. */
        CHECKSUM,
        /** Contract version, manifest, declared signature, graph inputs/outputs or version do not match. */
        CONTRACT,
        /** The golden input gave a wrong answer, NaN/inf, or wrong shapes. */
        GOLDEN,
        /** ONNX Runtime could not open or run the graph (or warm-up failed). */
        LOAD,
        /** The artifact could not be fetched or is incomplete (missing path or file, HTTP error, I/O, over the size cap or the deadline); a retry may pass. */
        DOWNLOAD,
        /** Not allowed: bad name or version, a path outside the artifact roots, a scheme or host not allowed. */
        UNTRUSTED,
        /** A signing key is configured and the manifest's signature is missing or wrong. */
        SIGNATURE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The label of a check that failed in the ONNX layer. */
        public static Reason of(ModelLoadException.Reason r) {
            return switch (r) {
                case FETCH_FAILED, MISSING_FILE -> DOWNLOAD;
                case BAD_MANIFEST, CONTRACT_MISMATCH, SIGNATURE_MISMATCH -> CONTRACT;
                case CHECKSUM_MISMATCH -> CHECKSUM;
                case GOLDEN_MISMATCH -> GOLDEN;
                case OPEN_FAILED, WARM_UP_FAILED -> LOAD;
            };
        }
    }

    private final Reason reason;

    public ModelRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ModelRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** {@code e} labelled by the check it failed; {@code prefix} says which model. */
    public static ModelRejectedException of(String prefix, ModelLoadException e) {
        return new ModelRejectedException(Reason.of(e.reason()), prefix + e.getMessage(), e);
    }

    public Reason reason() {
        return reason;
    }
}
