package dev.streamrec.onnx;

import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.streamrec.onnx.ModelLoadException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens {@link RecommenderSession}s with one {@link SessionSettings}: the device choice and its CPU
 * fallback, and the session options. One instance per process part that scores (the streams app
 * has one bean, the trainer one per pipeline), passed to whoever opens models: it remembers that
 * the CUDA provider failed under {@code auto}, so later opens go straight to the CPU instead of
 * printing ONNX Runtime's native error again, and it is the only place that decides the device.
 */
public final class SessionFactory {

    public static final String CPU = "cpu";
    public static final String CUDA = "cuda";

    private static final Logger LOG = LoggerFactory.getLogger(SessionFactory.class);

    private final SessionSettings settings;
    /** Set when {@code auto} finds no usable CUDA provider (no NVIDIA driver, or the provider failed once). */
    private final AtomicBoolean cudaUnavailable;

    public SessionFactory(SessionSettings settings) {
        this(settings, OrtSupport.nvidiaDriverPresent());
    }

    /** @param gpuDriverPresent whether the host has an NVIDIA driver; without one {@code auto} never tries CUDA */
    public SessionFactory(SessionSettings settings, boolean gpuDriverPresent) {
        this.settings = settings;
        this.cudaUnavailable = new AtomicBoolean(!gpuDriverPresent);
    }

    public SessionSettings settings() {
        return settings;
    }

    /** Whether {@code auto} has stopped trying CUDA (no driver, or the provider failed once). */
    public boolean cudaKnownUnavailable() {
        return cudaUnavailable.get();
    }

    /**
     * Opens the artifact's graph on the configured device and checks its inputs and outputs against
     * the contract. The golden input and warm-up are separate steps ({@link RecommenderSession#verifyGolden},
     * {@link RecommenderSession#warmUp}).
     *
     * @throws ModelLoadException OPEN_FAILED when ONNX Runtime cannot open it (or CUDA was demanded and
     *                            is missing), SIGNATURE_MISMATCH when the graph's signature differs
     */
    public RecommenderSession open(ModelArtifact artifact) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String path = artifact.modelFile().toString();
        OrtSession session = null;
        String device = CPU;
        Exception cudaFailure = null;
        if (tryCuda()) {
            try (OrtSession.SessionOptions options = options();
                 OrtCUDAProviderOptions cuda = cudaOptions()) {
                options.addCUDA(cuda);
                session = env.createSession(path, options);
                device = CUDA;
            } catch (OrtException | RuntimeException e) {
                if (settings.device() == OnnxDevice.CUDA) {
                    throw new ModelLoadException(Reason.OPEN_FAILED, "failed to open model " + path + " on CUDA device "
                            + settings.cudaDeviceId() + " (device cuda): " + OrtSupport.firstLine(e.getMessage()), e);
                }
                cudaFailure = e;
            }
        }
        if (session == null) {
            try (OrtSession.SessionOptions options = options()) {
                session = env.createSession(path, options);
            } catch (OrtException e) {
                throw new ModelLoadException(Reason.OPEN_FAILED, "failed to load model " + path + ": "
                        + OrtSupport.firstLine(e.getMessage()), e);
            }
            // The graph opens on the CPU, so CUDA itself failed: don't try it again for later models.
            if (cudaFailure != null) {
                cudaFailed(cudaFailure);
            }
        }
        return RecommenderSession.checked(env, session, artifact, device);
    }

    /**
     * Which device these settings give on this host, without a model: {@value #CPU} for cpu; for
     * auto and cuda, {@value #CUDA} when a one-node graph opens with the CUDA provider (registering
     * the provider succeeds even without a GPU; opening a session is what loads its libraries).
     */
    public String probeDevice() {
        if (!tryCuda()) {
            return CPU;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.cudaDeviceId())) {
            options.addCUDA(cuda);
            try (OrtSession probe = env.createSession(identityGraph(), options)) {
                return CUDA;
            }
        } catch (OrtException | RuntimeException e) {
            if (settings.device() == OnnxDevice.AUTO) {
                cudaFailed(e);
            }
            return CPU;
        }
    }

    private boolean tryCuda() {
        return settings.device() == OnnxDevice.CUDA || (settings.device() == OnnxDevice.AUTO && !cudaUnavailable.get());
    }

    private void cudaFailed(Exception e) {
        if (cudaUnavailable.compareAndSet(false, true)) {
            LOG.info("device {}: CUDA execution provider unavailable ({}); scoring on the CPU",
                    settings.device().name().toLowerCase(Locale.ROOT), OrtSupport.firstLine(e.getMessage()));
        }
    }

    private OrtCUDAProviderOptions cudaOptions() throws OrtException {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.cudaDeviceId());
        if (settings.gpuMemoryLimitBytes() > 0) {
            cuda.add("gpu_mem_limit", Long.toString(settings.gpuMemoryLimitBytes()));
            cuda.add("arena_extend_strategy", "kSameAsRequested");
        }
        return cuda;
    }

    private OrtSession.SessionOptions options() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1); // sequential graph: no inter-op pool needed
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            options.setMemoryPatternOptimization(true);
            options.setCPUArenaAllocator(true);
            return options;
        } catch (OrtException e) {
            options.close();
            throw e;
        }
    }

    /**
     * A serialized ONNX model y = Identity(x), x and y float[1], IR version 8, opset 17 (built once
     * with the ONNX protobuf classes, which this module does not otherwise need).
     */
    private static byte[] identityGraph() {
        return HexFormat.of().parseHex("08083a3b0a100a017812017922084964656e74697479120570726f62655a0f0a0178120a0a08080112040a020801620f0a0179120a0a08080112040a02080142021011");
    }
}
