package dev.streamrec.trainer.seq;

import java.nio.file.Path;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The PyTorch engine of DJL, set up so that nothing is downloaded: {@code ai.djl.offline=true}
 * (the native library comes from the {@code pytorch-native-cpu} jar on the class path and is
 * extracted into {@code DJL_CACHE_DIR}, by default {@code ~/.cache/streamrec/djl}), one inter-op
 * thread (fixed once the engine has started) and the intra-op threads each caller asks for.
 */
final class Torch {

    private static Engine engine;

    private Torch() {
    }

    /**
     * The engine, with {@code threads} intra-op threads from now on. The engine is one per JVM, so a
     * later caller's count replaces an earlier one's: without that, a training that asked for one thread
     * (bit-identical results for a seed) ran with however many the first caller in the JVM had wanted.
     */
    static synchronized Engine engine(int threads) {
        int n = Math.max(1, threads);
        if (engine == null) {
            System.setProperty("ai.djl.offline", "true");
            if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
                System.setProperty("DJL_CACHE_DIR",
                        Path.of(System.getProperty("user.home"), ".cache", "streamrec", "djl").toString());
            }
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            try {
                engine = Engine.getEngine("PyTorch");
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException("failed to start the PyTorch engine (DJL, offline, cache "
                        + System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR")) + "): " + e.getMessage(), e);
            }
        } else if (JniUtils.getNumThreads() != n) {
            JniUtils.setNumThreads(n);
        }
        return engine;
    }
}
