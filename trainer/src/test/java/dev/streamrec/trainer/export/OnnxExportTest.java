package dev.streamrec.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.streamrec.avro.EventType;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.HistoryBatch;
import dev.streamrec.onnx.ItemRows;
import dev.streamrec.onnx.ModelLoadException;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.onnx.TopItems;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.eval.ModelScorer;
import dev.streamrec.trainer.eval.Scorer;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.train.Trainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported graph computes what the Java model computes, and honours the contract's edge cases. */
class OnnxExportTest {

    static SeqRecModel model;
    static RecommenderSession session;
    static ModelArtifact artifact;
    @TempDir
    static Path dir;

    @BeforeAll
    static void trainAndExport() {
        model = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(Fixtures.log(200, 150, 5_000, 21L), List.of(), null).model();
        artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata("seqrec", "v1",
                new ModelManifest.TrainedOn(1, 2, 3, "test"), Map.of("ndcg_at_10", 0.5)), 42L, dir.resolve("v1"));
        session = new SessionFactory(SessionSettings.defaults().withDevice(OnnxDevice.CPU)).open(artifact);
        session.verifyGolden();
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void onnxScoresMatchJavaScoresOnAThousandRandomHistories() {
        // given 1,000 random histories (lengths 0..30, some unknown and repeated items, all types, wide ages)
        SplittableRandom random = new SplittableRandom(99);
        List<EvalCase> cases = new ArrayList<>();
        List<List<String>> candidates = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int length = random.nextInt(31);
            long now = Fixtures.START + random.nextLong(1_000_000_000L);
            List<HistoryEvent> history = new ArrayList<>();
            for (int j = 0; j < length; j++) {
                history.add(new HistoryEvent(randomItem(random), EventType.values()[1 + random.nextInt(4)],
                        now - random.nextLong(400L * 86_400_000L)));
            }
            history.sort(java.util.Comparator.comparingLong(HistoryEvent::timestamp));
            cases.add(new EvalCase("u" + i, history, "", now, List.of()));
            List<String> row = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                row.add(randomItem(random));
            }
            candidates.add(row);
        }

        // when both score them
        float[][] java = new ModelScorer(model).scoreCandidates(cases, candidates);
        HistoryBatch input = HistoryEncoder.encode(cases.stream().map(EvalCase::history).toList(),
                cases.stream().mapToLong(EvalCase::timestamp).toArray(), model.maxHistory);
        float[] onnx = session.scoreCandidates(input, ItemRows.padded(candidates));

        // then they agree within 1e-4 everywhere, unknown candidates included
        double maxDiff = 0;
        for (int b = 0; b < java.length; b++) {
            for (int c = 0; c < java[b].length; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(java[b][c] - onnx[b * 8 + c]));
            }
        }
        assertThat(maxDiff).as("max |java - onnx|").isLessThanOrEqualTo(1e-4);

        // and full-catalog mode gives the same top scores as Java's ranking
        List<EvalCase> first = cases.subList(0, 50);
        List<List<String>> none = first.stream().map(c -> List.<String>of()).toList();
        List<List<Scorer.Ranked>> javaTop = new ModelScorer(model).topItems(first, none, 10);
        TopItems onnxTop = session.topItems(HistoryEncoder.encode(first.stream().map(EvalCase::history).toList(),
                first.stream().mapToLong(EvalCase::timestamp).toArray(), model.maxHistory),
                ItemRows.padded(none), 10);
        for (int b = 0; b < first.size(); b++) {
            for (int r = 0; r < 10; r++) {
                assertThat((double) onnxTop.score(b, r)).as("case %d rank %d", b, r)
                        .isCloseTo(javaTop.get(b).get(r).score(), org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void unknownCandidatesScoreTheContractFallbackAndUnknownHistoryItemsAddNothing() {
        // given a history with and without an unknown item in it
        long now = Fixtures.START;
        String known = model.vocabulary.id(1);
        List<HistoryEvent> plain = List.of(new HistoryEvent(known, EventType.CLICK, now - 1_000));
        List<HistoryEvent> withUnknown = List.of(new HistoryEvent(known, EventType.CLICK, now - 1_000),
                new HistoryEvent("never-seen", EventType.PURCHASE, now - 10));

        // when scored: the unknown history item takes the latest slot, shifting the known one to position 1
        float[] scores = session.scoreCandidates(HistoryEncoder.encode(List.of(plain, withUnknown),
                new long[] {now, now}, model.maxHistory), ItemRows.of(new String[] {"never-seen", known},
                new String[] {"never-seen", known}));

        // then an unknown candidate scores exactly the fallback, never NaN or an error
        assertThat(scores[0]).isEqualTo(ModelContract.UNKNOWN_ITEM_SCORE);
        assertThat(scores[2]).isEqualTo(ModelContract.UNKNOWN_ITEM_SCORE);
        assertThat(scores[1]).isFinite().isGreaterThan(ModelContract.UNKNOWN_ITEM_SCORE);
        assertThat(scores[3]).isFinite();
    }

    @Test
    void fullCatalogModeNeverReturnsExcludedItemsAndClampsK() {
        // given a user and the ten items full-catalog mode likes best for them
        long now = Fixtures.START;
        List<HistoryEvent> history = List.of(new HistoryEvent(model.vocabulary.id(3), EventType.VIEW, now - 5_000));
        HistoryBatch input = HistoryEncoder.encode(List.of(history), new long[] {now}, model.maxHistory);
        TopItems before = session.topItems(input, ItemRows.padding(1, 1), 10);

        // when those ten are excluded (plus an unknown id), and k asks for more than the catalogue
        String[] exclude = new String[11];
        System.arraycopy(before.items()[0], 0, exclude, 0, 10);
        exclude[10] = "never-seen";
        TopItems after = session.topItems(input, ItemRows.of(exclude), 10);
        TopItems all = session.topItems(input, ItemRows.padding(1, 1), 1_000_000);

        // then none of them comes back, scores still descend, and k is clamped to the catalogue
        assertThat(after.items()[0]).doesNotContain(before.items()[0]);
        for (int r = 1; r < 10; r++) {
            assertThat(after.score(0, r)).isLessThanOrEqualTo(after.score(0, r - 1));
        }
        assertThat(all.ranked(0)).hasSize(model.vocabulary.size());
    }

    @Test
    void metadataAndManifestDescribeTheModel() throws Exception {
        // given the exported artifact
        ModelManifest m = artifact.manifest();

        // then the manifest matches the model and the graph carries the metadata keys
        assertThat(m.vocabularySize()).isEqualTo(model.vocabulary.size());
        assertThat(m.sha256()).isEqualTo(ModelArtifact.sha256(artifact.modelFile()));
        assertThat(m.golden().historyItems()).contains(ArtifactWriter.GOLDEN_UNKNOWN);
        try (var env = ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(artifact.modelFile().toString())) {
            Map<String, String> meta = env.getMetadata().getCustomMetadata();
            assertThat(meta).containsEntry(ModelContract.META_VERSION, "v1")
                    .containsEntry(ModelContract.META_CONTRACT, Integer.toString(ModelContract.CONTRACT_VERSION))
                    .containsKeys(ModelContract.META_TRAINED_ON, ModelContract.META_METRICS);
            assertThat(meta.get(ModelContract.META_METRICS)).contains("ndcg_at_10");
        }
    }

    @Test
    void weightsReadBackFromTheArtifactAreTheExportedOnes() {
        // when the model file is read back
        SeqRecModel back = ModelReader.read(artifact.modelFile());

        // then vocabulary and weights are identical (the bias of row 0 is the Java model's)
        assertThat(back.vocabulary.ids()).isEqualTo(model.vocabulary.ids());
        assertThat(back.itemIn).containsExactly(model.itemIn);
        assertThat(back.itemOut).containsExactly(model.itemOut);
        assertThat(back.itemBias).containsExactly(model.itemBias);
        assertThat(back.dense).containsExactly(model.dense);
        assertThat(back.position).containsExactly(model.position);
        assertThat(back.ageBoundaries).containsExactly(model.ageBoundaries);
    }

    @Test
    void tamperedModelFileIsRefused() throws IOException {
        // given a copy of the artifact whose model file changed by one byte
        Path copy = dir.resolve("tampered");
        Files.createDirectories(copy);
        Files.copy(artifact.directory().resolve(ModelContract.MANIFEST_FILE), copy.resolve(ModelContract.MANIFEST_FILE));
        byte[] bytes = Files.readAllBytes(artifact.modelFile());
        bytes[bytes.length - 1] ^= 1;
        Files.write(copy.resolve(ModelContract.MODEL_FILE), bytes);

        // then loading it fails with the reason
        assertThatThrownBy(() -> ModelArtifact.load(copy)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("checksum mismatch");
    }

    private static String randomItem(SplittableRandom random) {
        return random.nextInt(10) == 0 ? "unknown-" + random.nextInt(5) : model.vocabulary.id(1 + random.nextInt(model.vocabulary.size()));
    }
}
