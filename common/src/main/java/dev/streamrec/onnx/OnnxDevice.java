package dev.streamrec.onnx;

import java.util.Locale;

/**
 * Where a session runs. {@code AUTO} asks for the CUDA execution provider and falls back to the
 * CPU when ONNX Runtime refuses it; {@code CUDA} fails instead of falling back.
 */
public enum OnnxDevice {
    AUTO, CPU, CUDA;

    /** Parses {@code auto|cpu|cuda}, any case. */
    public static OnnxDevice parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown device '" + s + "' (auto, cpu, cuda)");
        }
    }
}
