package dev.streamrec.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
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
    void shouldRefuseAChecksumMismatchAnOtherContractVersionAndMissingFiles() throws Exception {
        Path badSum = artifact("v1", ModelContract.CONTRACT_VERSION, "0".repeat(64));
        assertThatThrownBy(() -> ModelArtifact.load(badSum)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch");
        Path oldContract = artifact("v2", ModelContract.CONTRACT_VERSION + 1, null);
        assertThatThrownBy(() -> ModelArtifact.load(oldContract)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("contract version");
        assertThatThrownBy(() -> ModelArtifact.load(root.resolve("nothing"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("not a model artifact");
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
