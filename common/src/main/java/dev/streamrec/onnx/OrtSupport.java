package dev.streamrec.onnx;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime helpers of {@link SessionFactory} and {@link RecommenderSession}: whether the host
 * has an NVIDIA driver, the graph's signature against the contract, native error messages.
 */
public final class OrtSupport {

    private static final Logger LOG = LoggerFactory.getLogger(OrtSupport.class);
    private static final boolean NVIDIA_DRIVER = detectNvidiaDriver();

    private OrtSupport() {
    }

    /**
     * Whether an NVIDIA kernel driver is loaded. Without one, device {@code auto} does not even try
     * the CUDA provider, whose failed load would print a native error line on every host without a GPU.
     */
    public static boolean nvidiaDriverPresent() {
        return NVIDIA_DRIVER;
    }

    private static boolean detectNvidiaDriver() {
        boolean present = Files.exists(Path.of("/proc/driver/nvidia/version")) || Files.exists(Path.of("/dev/nvidiactl"));
        if (!present) {
            LOG.info("no NVIDIA driver on this host (/proc/driver/nvidia, /dev/nvidiactl): device 'auto' scores on the CPU");
        }
        return present;
    }

    /**
     * Compares the session's inputs and outputs with {@link ModelArtifact#INPUT_SIGNATURE} and
     * {@link ModelArtifact#OUTPUT_SIGNATURE} (names, element types, ranks).
     *
     * @return null when they match, else what differs, in one line
     */
    public static String signatureMismatch(OrtSession session) throws OrtException {
        String in = nodesMismatch("input", session.getInputInfo(), ModelArtifact.INPUT_SIGNATURE);
        return in != null ? in : nodesMismatch("output", session.getOutputInfo(), ModelArtifact.OUTPUT_SIGNATURE);
    }

    private static String nodesMismatch(String what, Map<String, NodeInfo> nodes, Map<String, String> expected) {
        if (!nodes.keySet().equals(expected.keySet())) {
            return "has " + what + "s " + nodes.keySet() + ", the contract wants " + expected.keySet();
        }
        for (var e : expected.entrySet()) {
            if (!(nodes.get(e.getKey()).getInfo() instanceof TensorInfo info)) {
                return what + " " + e.getKey() + " is not a tensor";
            }
            String type = switch (info.type) {
                case STRING -> "string";
                case INT64 -> "int64";
                case FLOAT -> "float";
                default -> info.type.name().toLowerCase(Locale.ROOT);
            };
            String want = e.getValue().substring(0, e.getValue().indexOf('['));
            int rank = e.getValue().split(",").length;
            if (!type.equals(want) || info.getShape().length != rank) {
                return what + " " + e.getKey() + " is " + type + " of rank " + info.getShape().length
                        + ", the contract wants " + e.getValue();
            }
        }
        return null;
    }

    /** The first line of a (native, often multi-line) error message. */
    public static String firstLine(String s) {
        if (s == null) {
            return "no message";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
