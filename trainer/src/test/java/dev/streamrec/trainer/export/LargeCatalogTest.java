package dev.streamrec.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.streamrec.avro.EventType;
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
import dev.streamrec.trainer.model.AgeBuckets;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.Vocabulary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A 1M-item x 64 model exports, verifies and serves; and candidate mode does not pay for the
 * catalogue-wide matrix product, i.e. ONNX Runtime runs only the nodes the requested outputs need.
 */
class LargeCatalogTest {

    private static final int ITEMS = 1_000_000;

    @Test
    @Timeout(120)
    void millionItemTableExportsLoadsAndCandidateModeSkipsTheCatalogProduct(@TempDir Path dir) {
        // given an untrained 1M x 64 model
        List<String> ids = IntStream.range(0, ITEMS).mapToObj(i -> "i" + i).toList();
        SeqRecModel model = SeqRecModel.initialise(new Vocabulary(ids), 64, 20, AgeBuckets.DEFAULT_BOUNDARIES, 1L);

        // when exported and opened (which replays the golden input)
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata("big", "v1",
                new ModelManifest.TrainedOn(0, 0, 0, "none"), Map.of()), 1L, dir.resolve("v1"));
        try (RecommenderSession session = new SessionFactory(SessionSettings.defaults().withDevice(OnnxDevice.CPU))
                .open(artifact)) {
            session.verifyGolden();
            assertThat(session.manifest().vocabularySize()).isEqualTo(ITEMS);

            // then candidate mode costs far less than full-catalog mode for the same batch
            List<List<HistoryEvent>> histories = new ArrayList<>();
            for (int b = 0; b < 16; b++) {
                histories.add(List.of(new HistoryEvent("i" + (b * 7919), EventType.CLICK, 0L)));
            }
            HistoryBatch input = HistoryEncoder.encode(histories, new long[16], 20);
            ItemRows candidates = ItemRows.padding(16, 50);
            Arrays.setAll(candidates.ids(), i -> "i" + (i % 50 * 104_729 % ITEMS));
            ItemRows noExclusion = ItemRows.padding(16, 1);
            long candidate = medianNanos(() -> session.scoreCandidates(input, candidates));
            long full = medianNanos(() -> session.topItems(input, noExclusion, 20));
            LoggerFactory.getLogger(LargeCatalogTest.class).info("1M items, batch 16: candidate mode (50) {} us, full catalog (top 20) {} us",
                    candidate / 1000, full / 1000);
            assertThat(candidate * 5).as("candidate %d us vs full catalog %d us", candidate / 1000, full / 1000)
                    .isLessThan(full);
        }
    }

    private static long medianNanos(Runnable r) {
        long[] t = new long[7];
        r.run(); // warm-up
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
