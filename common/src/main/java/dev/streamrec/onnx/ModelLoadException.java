package dev.streamrec.onnx;

/**
 * An artifact that must not serve: missing files, checksum or contract mismatch, a graph that does
 * not open, or a golden input that gives a wrong answer. The message says which and where; callers
 * keep the model they had.
 */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
