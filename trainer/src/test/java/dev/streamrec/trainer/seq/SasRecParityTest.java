package dev.streamrec.trainer.seq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.onnx.TopItems;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.Vocabulary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three computations of the self-attention model agree: the plain-Java reference, the DJL
 * (PyTorch) training graph in eval mode, and the exported ONNX graph in ONNX Runtime, on 1,000
 * random histories (empty to longer than maxLen, unknown ids, every event type), in candidate and
 * full-catalogue mode.
 */
class SasRecParityTest {

    static final int ITEMS = 300;
    static SasRecModel model;
    static RecommenderSession session;
    static List<List<HistoryEvent>> histories;
    static long[] times;
    @TempDir
    static Path dir;

    @BeforeAll
    static void exportRandomModel() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            ids.add("item-" + i);
        }
        // Random weights everywhere (biases and LayerNorm gains too), not just the initialisation's zeros and ones.
        model = SasRecModel.initialise(new Vocabulary(ids), 32, 12, 2, 7L);
        SplittableRandom random = new SplittableRandom(11);
        model.params.forEach((name, v) -> {
            if (!name.equals("item")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (random.nextGaussian() * 0.3);
                }
            }
        });
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata("sasrec", "v1",
                new ModelManifest.TrainedOn(1, 2, 3, "test"), Map.of()), 42L, dir.resolve("v1"));
        session = new SessionFactory(SessionSettings.defaults().withDevice(OnnxDevice.CPU)).open(artifact);

        histories = new ArrayList<>();
        times = new long[1_000];
        for (int i = 0; i < 1_000; i++) {
            int length = random.nextInt(20); // 0 .. beyond maxLen = 12
            long now = 1_700_000_000_000L + random.nextLong(1_000_000_000L);
            times[i] = now;
            List<HistoryEvent> h = new ArrayList<>();
            for (int j = 0; j < length; j++) {
                String item = random.nextInt(10) == 0 ? "unknown-" + random.nextInt(5) : "item-" + random.nextInt(ITEMS);
                h.add(new HistoryEvent(item, EventType.values()[random.nextInt(EventType.values().length)],
                        now - random.nextLong(30L * 86_400_000L)));
            }
            h.sort(Comparator.comparingLong(HistoryEvent::timestamp));
            histories.add(h);
        }
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static float[] java(int i) {
        History h = new History(model.maxLen).fill(histories.get(i), times[i], model.vocabulary, model.ageBoundaries());
        return model.scoreRows(h);
    }

    @Test
    void onnxRuntimeMatchesTheJavaReferenceOnAThousandHistoriesInCandidateMode() {
        // given every history with all items plus an unknown id as candidates
        String[][] candidates = new String[histories.size()][ITEMS + 1];
        for (String[] row : candidates) {
            for (int c = 0; c < ITEMS; c++) {
                row[c] = "item-" + c;
            }
            row[ITEMS] = "never-seen";
        }
        HistoryBatch input = HistoryEncoder.encode(histories, times, model.maxLen);

        // when ONNX Runtime scores them
        float[] onnx = session.scoreCandidates(input, ItemRows.padded(java.util.Arrays.stream(candidates).map(List::of).toList()));
        int width = ITEMS + 1;

        // then each score is the Java reference's within 1e-4, and the unknown candidate gets the fallback
        double maxDiff = 0;
        for (int b = 0; b < histories.size(); b++) {
            float[] ref = java(b);
            for (int c = 0; c < ITEMS; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(ref[c + 1] - onnx[b * width + c]));
            }
            assertThat(onnx[b * width + ITEMS]).isEqualTo(ModelContract.UNKNOWN_ITEM_SCORE);
        }
        assertThat(maxDiff).as("max |java - onnx|").isLessThanOrEqualTo(1e-4);
    }

    @Test
    void fullCatalogueModeRanksAsTheJavaReference() {
        // given the first 100 histories, nothing excluded
        List<List<HistoryEvent>> some = histories.subList(0, 100);
        String[][] none = new String[some.size()][1];
        for (String[] row : none) {
            row[0] = ModelContract.PAD_ITEM;
        }

        // when ONNX Runtime returns the top 10 of the whole catalogue
        TopItems top = session.topItems(HistoryEncoder.encode(some, java.util.Arrays.copyOf(times, 100), model.maxLen),
                ItemRows.padded(java.util.Arrays.stream(none).map(List::of).toList()), 10);

        // then the scores are the Java reference's ten best, in order
        for (int b = 0; b < some.size(); b++) {
            float[] ref = java(b);
            float[] best = new float[ITEMS];
            System.arraycopy(ref, 1, best, 0, ITEMS);
            java.util.Arrays.sort(best);
            for (int r = 0; r < 10; r++) {
                assertThat((double) top.score(b, r)).as("case %d rank %d", b, r)
                        .isCloseTo(best[ITEMS - 1 - r], org.assertj.core.data.Offset.offset(1e-4));
            }
        }
    }

    @Test
    void theTorchTrainingGraphComputesTheJavaReference() {
        // when the DJL graph (eval mode, no dropout) scores every row for every history
        float[][] torch = SasRecTrainer.torchScores(model, histories, 1);

        // then it agrees with the Java reference within 1e-4
        double maxDiff = 0;
        for (int b = 0; b < histories.size(); b++) {
            float[] ref = java(b);
            for (int r = 1; r <= ITEMS; r++) {
                maxDiff = Math.max(maxDiff, Math.abs(ref[r] - torch[b][r]));
            }
        }
        assertThat(maxDiff).as("max |java - torch|").isLessThanOrEqualTo(1e-4);
    }
}
