package dev.streamrec.onnx;

/**
 * How a {@link SessionFactory} opens sessions.
 *
 * @param device              auto (CUDA when it answers, else CPU), cpu, or cuda (fail without a GPU)
 * @param cudaDeviceId        GPU ordinal for the CUDA execution provider
 * @param gpuMemoryLimitBytes CUDA arena limit per session (0: ONNX Runtime's default, no limit)
 * @param intraOpThreads      threads inside one operator (0: ONNX Runtime's default, one per core)
 */
public record SessionSettings(OnnxDevice device, int cudaDeviceId, long gpuMemoryLimitBytes, int intraOpThreads) {

    public SessionSettings {
        if (cudaDeviceId < 0 || gpuMemoryLimitBytes < 0 || intraOpThreads < 0) {
            throw new IllegalArgumentException("negative session setting: cuda device " + cudaDeviceId
                    + ", gpu memory limit " + gpuMemoryLimitBytes + ", intra-op threads " + intraOpThreads);
        }
    }

    public static SessionSettings defaults() {
        return new SessionSettings(OnnxDevice.AUTO, 0, 0L, 0);
    }

    public SessionSettings withDevice(OnnxDevice d) {
        return new SessionSettings(d, cudaDeviceId, gpuMemoryLimitBytes, intraOpThreads);
    }

    public SessionSettings withIntraOpThreads(int n) {
        return new SessionSettings(device, cudaDeviceId, gpuMemoryLimitBytes, n);
    }
}
