package dev.streamrec.onnx;

/**
 * How to open a {@link RecommenderSession}.
 *
 * @param device           auto, cpu or cuda
 * @param cudaDeviceId     GPU ordinal for the CUDA execution provider
 * @param intraOpThreads   threads inside one operator (0: ONNX Runtime's default, all cores)
 * @param verifyGolden     replay the manifest's golden input when opening (leave on outside tests)
 */
public record SessionSettings(OnnxDevice device, int cudaDeviceId, int intraOpThreads, boolean verifyGolden) {

    public static SessionSettings defaults() {
        return new SessionSettings(OnnxDevice.AUTO, 0, 0, true);
    }

    public SessionSettings withDevice(OnnxDevice d) {
        return new SessionSettings(d, cudaDeviceId, intraOpThreads, verifyGolden);
    }

    public SessionSettings withIntraOpThreads(int n) {
        return new SessionSettings(device, cudaDeviceId, n, verifyGolden);
    }
}
