package dev.streamrec.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

    @Test
    void pruneKeepsTheNewestVersionsAndPinnedOnesAndDeletesTheRest(@TempDir Path root) throws IOException {
        ArtifactStore store = new ArtifactStore(root, "m");
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        for (int i = 0; i < 6; i++) {
            publish(store, store.newVersion(t.plusSeconds(i)));
        }
        for (int i = 0; i < 3; i++) {
            Path staged = stage(store, store.newVersion(t.plusSeconds(100 + i)));
            store.reject(staged);
        }
        List<String> before = names(root.resolve("m"));
        String pinned = before.get(1);

        List<Path> deleted = store.prune(2, Set.of(pinned, "not-a-version"));

        assertThat(names(root.resolve("m"))).containsExactly(pinned, before.get(4), before.get(5));
        assertThat(names(root.resolve("m").resolve(".rejected"))).hasSize(2);
        assertThat(deleted).hasSize(3 + 1);
        assertThat(store.latest()).contains(root.resolve("m").resolve(before.get(5)));
        assertThat(store.prune(2, Set.of())).as("once no longer pinned, it goes too")
                .containsExactly(root.resolve("m").resolve(pinned));
    }

    @Test
    void pruneOfAnEmptyTreeDeletesNothingAndKeepMustBePositive(@TempDir Path root) {
        ArtifactStore store = new ArtifactStore(root, "m");
        assertThat(store.prune(1, Set.of())).isEmpty();
        assertThatThrownBy(() -> store.prune(0, Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    private static void publish(ArtifactStore store, String version) throws IOException {
        store.publish(stage(store, version));
    }

    private static Path stage(ArtifactStore store, String version) throws IOException {
        Path dir = Files.createDirectories(store.stagingDir(version));
        Files.writeString(dir.resolve("model.onnx"), "weights");
        Files.writeString(dir.resolve("manifest.json"), "{}");
        return dir;
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList();
        }
    }
}
