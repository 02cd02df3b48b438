package dev.streamrec.trainer.seq;

import java.nio.file.Path;

import ai.djl.engine.Engine;

/**
 * The PyTorch engine of DJL, set up so that nothing is downloaded: {@code ai.djl.offline=true}
 * (the native library comes from the {@code pytorch-native-cpu} jar on the class path and is
 * extracted into {@code DJL_CACHE_DIR}, by default {@code ~/.cache/streamrec/djl}), and the intra-op
 * thread count set before the engine starts (it cannot change afterwards).
 */
final class Torch {

    private static Engine engine;

    private Torch() {
    }

    static synchronized Engine engine(int threads) {
        if (engine == null) {
            System.setProperty("ai.djl.offline", "true");
            if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
                System.setProperty("DJL_CACHE_DIR",
                        Path.of(System.getProperty("user.home"), ".cache", "streamrec", "djl").toString());
            }
            int n = Math.max(1, threads);
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(n));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
            try {
                engine = Engine.getEngine("PyTorch");
            } catch (RuntimeException | LinkageError e) {
                throw new IllegalStateException("failed to start the PyTorch engine (DJL, offline, cache "
                        + System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR")) + "): " + e.getMessage(), e);
            }
        }
        return engine;
    }
}
