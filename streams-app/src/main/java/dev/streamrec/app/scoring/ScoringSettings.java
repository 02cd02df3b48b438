package dev.streamrec.app.scoring;

import java.time.Duration;

import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.onnx.SessionSettings;

/**
 * How the app scores with ONNX Runtime ({@code streamrec.scoring.*}).
 *
 * @param device               auto (CUDA when it answers, else CPU), cpu, or cuda (fail without a GPU)
 * @param cudaDeviceId         GPU ordinal for the CUDA execution provider
 * @param gpuMemoryLimitBytes  CUDA arena limit per session (0: ONNX Runtime's default, no limit)
 * @param mode                 candidates or full-catalog scoring
 * @param intraOpThreads       threads inside one operator (0: ONNX Runtime's default, one per core; the app's
 *                             default is 1: see application.yml)
 * @param batchSize            most score requests per ONNX Runtime call (micro-batch size)
 * @param maxWait              longest a buffered request waits for its batch to fill
 * @param warmupRuns           calls on a synthetic batch before a new model serves
 * @param verifyGolden         replay the manifest's golden input before a model serves (leave on)
 */
public record ScoringSettings(OnnxDevice device, int cudaDeviceId, long gpuMemoryLimitBytes, ScoringMode mode,
                              int intraOpThreads, int batchSize, Duration maxWait, int warmupRuns,
                              boolean verifyGolden) {

    public ScoringSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("streamrec.scoring.batch-size must be at least 1, got " + batchSize);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("streamrec.scoring.max-wait must not be negative, got " + maxWait);
        }
        if (gpuMemoryLimitBytes < 0 || intraOpThreads < 0 || warmupRuns < 0 || cudaDeviceId < 0) {
            throw new IllegalArgumentException("negative scoring setting in " + this);
        }
    }

    /** The part that opens sessions ({@link dev.streamrec.onnx.SessionFactory}). */
    public SessionSettings session() {
        return new SessionSettings(device, cudaDeviceId, gpuMemoryLimitBytes, intraOpThreads);
    }

    public static ScoringSettings defaults() {
        return new ScoringSettings(OnnxDevice.AUTO, 0, 0L, ScoringMode.CANDIDATES, 1, 64, Duration.ofMillis(20), 3, true);
    }

    public ScoringSettings withDevice(OnnxDevice d) {
        return new ScoringSettings(d, cudaDeviceId, gpuMemoryLimitBytes, mode, intraOpThreads, batchSize, maxWait,
                warmupRuns, verifyGolden);
    }

    public ScoringSettings withMode(ScoringMode m) {
        return new ScoringSettings(device, cudaDeviceId, gpuMemoryLimitBytes, m, intraOpThreads, batchSize, maxWait,
                warmupRuns, verifyGolden);
    }

    public ScoringSettings withIntraOpThreads(int n) {
        return new ScoringSettings(device, cudaDeviceId, gpuMemoryLimitBytes, mode, n, batchSize, maxWait, warmupRuns,
                verifyGolden);
    }

    public ScoringSettings withBatching(int size, Duration wait) {
        return new ScoringSettings(device, cudaDeviceId, gpuMemoryLimitBytes, mode, intraOpThreads, size, wait,
                warmupRuns, verifyGolden);
    }

    public ScoringSettings withWarmupRuns(int n) {
        return new ScoringSettings(device, cudaDeviceId, gpuMemoryLimitBytes, mode, intraOpThreads, batchSize, maxWait,
                n, verifyGolden);
    }
}
