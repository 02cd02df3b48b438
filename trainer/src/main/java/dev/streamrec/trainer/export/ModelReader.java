package dev.streamrec.trainer.export;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.Vocabulary;

/**
 * Reads a {@link SeqRecModel} back out of an exported {@code model.onnx}: weights from the named
 * initializers, the vocabulary from the history LabelEncoder. This is how warm starts continue from
 * the current artifact, so the artifact alone is the model: no side files to keep in sync.
 */
public final class ModelReader {

    private ModelReader() {
    }

    public static SeqRecModel read(Path modelFile) {
        ModelProto proto;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(modelFile), 1 << 20)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            proto = ModelProto.parseFrom(coded);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read ONNX model " + modelFile, e);
        }
        Map<String, TensorProto> init = new HashMap<>();
        proto.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        // The history rows come from the history's LabelEncoder, directly or (when the dense EASE term reads a longer
        // slice, encoded once) through a Slice of that encoder's output.
        Map<String, NodeProto> producers = new HashMap<>();
        proto.getGraph().getNodeList().forEach(n -> n.getOutputList().forEach(o -> producers.put(o, n)));
        NodeProto encoder = producers.get(OnnxExporter.HISTORY_ROWS);
        while (encoder != null && encoder.getOpType().equals("Slice")) {
            encoder = producers.get(encoder.getInput(0));
        }
        if (encoder == null || !encoder.getOpType().equals("LabelEncoder")) {
            throw new IllegalArgumentException(modelFile + " has no history LabelEncoder: not a streamrec model");
        }
        List<String> ids = encoder.getAttributeList().stream()
                .filter(a -> a.getName().equals("keys_strings"))
                .findFirst()
                .map(ModelReader::strings)
                .orElseThrow(() -> new IllegalArgumentException(modelFile + ": LabelEncoder without keys_strings"));
        float[] bias = floats(init, OnnxExporter.ITEM_BIAS, modelFile);
        bias[0] = 0f; // exported as the masked score; the Java model never reads row 0's bias
        float[] dense = floats(init, OnnxExporter.DENSE, modelFile);
        int dim = (int) Math.round(Math.sqrt(dense.length));
        return SeqRecModel.of(new Vocabulary(ids), dim,
                floats(init, OnnxExporter.AGE_BOUNDARIES, modelFile),
                floats(init, OnnxExporter.ITEM_IN, modelFile),
                floats(init, OnnxExporter.ITEM_OUT, modelFile),
                bias,
                floats(init, OnnxExporter.POSITION, modelFile),
                floats(init, OnnxExporter.TYPE_WEIGHT, modelFile),
                floats(init, OnnxExporter.AGE_WEIGHT, modelFile),
                dense,
                floats(init, OnnxExporter.DENSE_BIAS, modelFile));
    }

    private static List<String> strings(AttributeProto a) {
        return a.getStringsList().stream().map(b -> b.toString(StandardCharsets.UTF_8)).toList();
    }

    private static float[] floats(Map<String, TensorProto> init, String name, Path file) {
        TensorProto t = init.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + " lacks initializer " + name + ": not a streamrec model");
        }
        if (!t.getRawData().isEmpty()) {
            float[] out = new float[t.getRawData().size() / Float.BYTES];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }
}
