package dev.streamrec.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code manifest.json} of a model artifact: what the file is and how it was made. The app checks
 * {@code sha256} against {@code model.onnx} and {@code contractVersion} against
 * {@link ModelContract#CONTRACT_VERSION} before it loads anything.
 *
 * @param inputs  input name to "type[shape]", e.g. "string[B,L]"
 * @param outputs output name to "type[shape]"
 * @param golden  a fixed input and the output the trainer saw for it, replayed on load
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        int contractVersion,
        String name,
        String version,
        long createdAt,
        String sha256,
        int vocabularySize,
        int embeddingDim,
        int maxHistory,
        Map<String, String> inputs,
        Map<String, String> outputs,
        Map<String, Double> metrics,
        TrainedOn trainedOn,
        Golden golden) {

    /** The training data window. */
    public record TrainedOn(long startTimestamp, long endTimestamp, long eventCount, String source) {
    }

    /** One history and the top items (full-catalog mode, k = topItems.size()) it produced at export. */
    public record Golden(List<String> historyItems, List<Long> historyTypes, List<Float> historyAges,
                         List<String> topItems, List<Float> topScores) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static ModelManifest read(Path file) {
        try {
            return JSON.readValue(file.toFile(), ModelManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read model manifest " + file, e);
        }
    }

    public static ModelManifest parse(byte[] json) {
        try {
            return JSON.readValue(json, ModelManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to parse model manifest", e);
        }
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write model manifest " + file, e);
        }
    }
}
