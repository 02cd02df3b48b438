package dev.streamrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelLoadException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArtifactTest {

    @TempDir
    Path root;

    @Test
    void shouldLoadAnArtifactWhoseChecksumAndContractMatch() throws Exception {
        Path dir = artifact("v1", ModelContract.CONTRACT_VERSION, null);
        assertThat(ModelArtifact.load(dir).manifest().version()).isEqualTo("v1");
    }

    @Test
    void shouldRefuseEachBrokenArtifactWithTheReasonOfTheCheckItFailed() throws Exception {
        Path badSum = artifact("v1", ModelContract.CONTRACT_VERSION, "0".repeat(64));
        assertRefused(badSum, Reason.CHECKSUM_MISMATCH, "checksum mismatch");
        Path oldContract = artifact("v2", ModelContract.CONTRACT_VERSION + 1, null);
        assertRefused(oldContract, Reason.CONTRACT_MISMATCH, "contract version");
        assertRefused(root.resolve("nothing"), Reason.MISSING_FILE, "not a model artifact");

        Path noModel = artifact("v3", ModelContract.CONTRACT_VERSION, null);
        Files.delete(noModel.resolve(ModelContract.MODEL_FILE));
        assertRefused(noModel, Reason.MISSING_FILE, ModelContract.MODEL_FILE);

        Path garbled = artifact("v4", ModelContract.CONTRACT_VERSION, null);
        Files.writeString(garbled.resolve(ModelContract.MANIFEST_FILE), "{\"contractVersion\": ");
        assertRefused(garbled, Reason.BAD_MANIFEST, "unreadable manifest");

        Path otherSignature = artifact("v5", ModelContract.CONTRACT_VERSION, null);
        ModelManifest m = ModelManifest.read(otherSignature.resolve(ModelContract.MANIFEST_FILE));
        new ModelManifest(m.contractVersion(), m.name(), m.version(), m.createdAt(), m.sha256(), m.vocabularySize(),
                m.embeddingDim(), m.maxHistory(), Map.of("x", "float[B,L]"), m.outputs(), m.metrics(), m.trainedOn(),
                m.golden()).write(otherSignature.resolve(ModelContract.MANIFEST_FILE));
        assertRefused(otherSignature, Reason.CONTRACT_MISMATCH, "declares inputs");
    }

    private static void assertRefused(Path dir, Reason reason, String message) {
        assertThatThrownBy(() -> ModelArtifact.load(dir)).as("loading %s", dir)
                .isInstanceOfSatisfying(ModelLoadException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    @Test
    void shouldListVersionsInOrderIgnoringStagingAndRejected() throws Exception {
        artifact("20260101T000000000Z", 1, null);
        artifact("20260102T000000000Z", 1, null);
        Files.createDirectories(root.resolve("m").resolve(".rejected").resolve("20270101T000000000Z"));
        assertThat(ModelArtifact.latest(root, "m")).contains(root.resolve("m").resolve("20260102T000000000Z"));
        assertThat(ModelArtifact.versions(root, "m")).hasSize(2);
        assertThat(ModelArtifact.latest(root, "other")).isEmpty();
    }

    private Path artifact(String version, int contract, String sha) throws Exception {
        Path dir = root.resolve("m").resolve(version);
        Files.createDirectories(dir);
        Files.write(dir.resolve(ModelContract.MODEL_FILE), new byte[] {1, 2, 3});
        String sum = sha != null ? sha : ModelArtifact.sha256(dir.resolve(ModelContract.MODEL_FILE));
        new ModelManifest(contract, "m", version, 0L, sum, 1, 4, 2, ModelArtifact.INPUT_SIGNATURE,
                ModelArtifact.OUTPUT_SIGNATURE, Map.of(), new ModelManifest.TrainedOn(0, 0, 0, "test"),
                new ModelManifest.Golden(List.of("a"), List.of(1L), List.of(0f), List.of("a"), List.of(0f)))
                .write(dir.resolve(ModelContract.MANIFEST_FILE));
        return dir;
    }
}
