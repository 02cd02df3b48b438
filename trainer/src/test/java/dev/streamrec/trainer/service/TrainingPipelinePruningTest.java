package dev.streamrec.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.export.ArtifactStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Retrains do not grow the artifact tree without bound: each run leaves at most the newest versions. */
@Timeout(180)
class TrainingPipelinePruningTest {

    @TempDir
    Path root;

    @Test
    void shouldKeepOnlyTheNewestVersionsAfterEachRun() throws IOException {
        TrainingPipeline.Settings settings = TrainingPipeline.Settings.defaults(root, "m")
                .withTraining(Fixtures.quick().withMaxEpochs(1)).withKeepVersions(2);
        TrainingPipeline pipeline = new TrainingPipeline(settings, null, Clock.systemUTC());
        List<TrainingPipeline.Outcome> outcomes = new ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            outcomes.add(pipeline.run(Fixtures.log(200, 80, 3_000, seed)));
            assertThat(dirs(root.resolve("m"))).as("published after run %d", seed).hasSizeLessThanOrEqualTo(2);
            assertThat(dirs(root.resolve("m").resolve(".rejected"))).as("rejected after run %d", seed)
                    .hasSizeLessThanOrEqualTo(2);
        }
        TrainingPipeline.Outcome lastPublished = outcomes.stream().filter(TrainingPipeline.Outcome::published)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(new ArtifactStore(root, "m").latest()).contains(lastPublished.artifact());
        assertThat(outcomes.getLast().artifact()).exists();
    }

    private static List<String> dirs(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .toList();
        }
    }
}
