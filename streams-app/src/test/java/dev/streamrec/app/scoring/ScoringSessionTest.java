package dev.streamrec.app.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.app.topology.Candidate;
import dev.streamrec.app.topology.HeuristicRanker;
import dev.streamrec.app.topology.RankedItem;
import dev.streamrec.app.topology.Ranking;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.ModelInput;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.onnx.TopItems;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer on a real trainer-made model: device fallback, both modes against the trainer's reference session, batching. */
class ScoringSessionTest {

    @TempDir
    static Path root;
    static ModelArtifact artifact;
    static ScoringSession session;
    static RecommenderSession reference;
    static List<List<HistoryEvent>> histories;

    @BeforeAll
    static void exportModel() {
        artifact = TrainedModels.export(root, "20260101T000000000Z", 1L);
        session = ScoringSession.open(artifact, ScoringSettings.defaults());
        reference = RecommenderSession.open(artifact, SessionSettings.defaults().withDevice(OnnxDevice.CPU));
        Map<String, List<HistoryEvent>> byUser = new HashMap<>();
        for (UserEvent e : TrainedModels.events(600, 7L)) {
            byUser.computeIfAbsent(e.getUserId(), u -> new ArrayList<>())
                    .add(new HistoryEvent(e.getItemId(), e.getType(), e.getTimestamp()));
        }
        histories = byUser.values().stream().filter(h -> h.size() >= 2).limit(5).toList();
    }

    @AfterAll
    static void close() {
        session.close();
        reference.close();
    }

    @Test
    void shouldFallBackToTheCpuWhenAutoFindsNoGpuAndSayWhichRuns() {
        // given device auto on a host without a usable GPU (this one)
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ScoringMetrics metrics = new ScoringMetrics(registry);

        // when the device is probed and a model opened
        metrics.device(ScoringSession.probeDevice(ScoringSettings.defaults()));

        // then the CPU runs, and the gauge says so
        assertThat(session.device()).isEqualTo(ScoringSession.CPU);
        assertThat(registry.get(ScoringMetrics.DEVICE_INFO).tag("device", "cpu").gauge().value()).isEqualTo(1.0);
        assertThat(registry.find(ScoringMetrics.DEVICE_INFO).tag("device", "cuda").gauge()).as("only the device in use").isNull();
    }

    @Test
    void shouldRefuseToLoadWhenCudaIsDemandedWithoutAGpu() {
        assertThatThrownBy(() -> ScoringSession.open(artifact, ScoringSettings.defaults().withDevice(OnnxDevice.CUDA)))
                .isInstanceOf(ModelRejectedException.class)
                .satisfies(e -> assertThat(((ModelRejectedException) e).reason()).isEqualTo(ModelRejectedException.Reason.LOAD))
                .hasMessageContaining("CUDA");
    }

    @Test
    void shouldScoreLikeTheTrainersReferenceSessionInBothModesWhileReusingBuffers() {
        long[] times = new long[histories.size()];
        Arrays.fill(times, TrainedModels.START + 3_600_000L);
        ModelInput in = HistoryEncoder.encode(histories, times, session.maxHistory());
        int rows = histories.size();
        HistoryBatch batch = HistoryBatch.encode(histories, times, rows, session.maxHistory());

        for (int round = 0; round < 3; round++) { // same shape each round: pooled buffers, new contents
            int offset = round * 7;
            String[][] cands = new String[rows][16];
            String[] flat = new String[rows * 16];
            for (int b = 0; b < rows; b++) {
                for (int c = 0; c < 16; c++) {
                    cands[b][c] = ShopperSimulator.itemId((offset + b * 16 + c) % TrainedModels.ITEMS);
                    flat[b * 16 + c] = cands[b][c];
                }
            }
            float[][] want = reference.scoreCandidates(in, cands);
            float[] got = session.scoreCandidates(batch, flat, 16);
            for (int b = 0; b < rows; b++) {
                for (int c = 0; c < 16; c++) {
                    assertThat(got[b * 16 + c]).as("round %d row %d candidate %d", round, b, c)
                            .isCloseTo(want[b][c], within(1e-4f));
                }
            }
        }
        assertThat(session.pooledWorkspaces()).as("one workspace per shape, reused").isGreaterThanOrEqualTo(1);

        String[][] exclude = new String[rows][2];
        String[] flatExclude = new String[rows * 2];
        for (int b = 0; b < rows; b++) {
            exclude[b][0] = histories.get(b).getLast().itemId();
            exclude[b][1] = histories.get(b).getFirst().itemId();
            flatExclude[b * 2] = exclude[b][0];
            flatExclude[b * 2 + 1] = exclude[b][1];
        }
        TopItems want = reference.topItems(in, exclude, 10);
        ScoringSession.TopResult got = session.topItems(batch, flatExclude, 2, 10);
        for (int b = 0; b < rows; b++) {
            assertThat(got.items()[b]).as("top items of row %d", b).containsExactly(want.items()[b]);
            assertThat(got.items()[b]).doesNotContain(exclude[b]);
            for (int r = 0; r < 10; r++) {
                assertThat(got.score(b, r)).isCloseTo(want.scores()[b][r], within(1e-4f));
            }
        }
    }

    @Test
    void shouldRankManyUsersInOneCallKeepingReasonsAndDroppingExcludedAndUnavailableItems() {
        // given five users' requests with candidates, one excluded and one out of stock
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ScoringMetrics metrics = new ScoringMetrics(registry);
        BatchScorer scorer = new BatchScorer(fixed(session, "v1"), ScoringSettings.defaults(), metrics);
        List<ScoreRequest> requests = new ArrayList<>();
        for (List<HistoryEvent> h : histories) {
            List<Candidate> cands = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                cands.add(new Candidate(ShopperSimulator.itemId(i), 1.0 - i / 100.0, i % 2 == 0 ? "trending" : "co-visited:x"));
            }
            cands.add(new Candidate("never-seen-item", 5.0, "trending"));
            requests.add(new ScoreRequest(h.getFirst().itemId(), h, cands, Set.of("item-3"), 10, TrainedModels.START));
        }

        // when ranked
        List<Ranking> rankings = scorer.rank(requests, id -> !id.equals("item-4"));

        // then one ORT call, one list per request, in order, reasons kept, filters applied
        assertThat(metrics.calls()).isEqualTo(1);
        assertThat(registry.get(ScoringMetrics.BATCH_SIZE).summary().totalAmount()).isEqualTo(5.0);
        assertThat(rankings).hasSize(5).allSatisfy(r -> {
            assertThat(r.modelVersion()).isEqualTo("v1");
            assertThat(r.items()).hasSize(10).extracting(RankedItem::itemId).doesNotContain("item-3", "item-4")
                    .doesNotHaveDuplicates();
            assertThat(r.items()).allSatisfy(i -> assertThat(i.reason())
                    .isEqualTo(Integer.parseInt(i.itemId().substring(5)) % 2 == 0 ? "trending" : "co-visited:x"));
            assertThat(r.items()).extracting(RankedItem::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        });

        // and full-catalog mode ranks the whole catalogue with reason "model"
        BatchScorer full = new BatchScorer(fixed(session, "v1"), ScoringSettings.defaults().withMode(ScoringMode.FULL),
                metrics);
        assertThat(full.rank(requests, id -> !id.equals("item-4"))).allSatisfy(r -> assertThat(r.items()).hasSize(10)
                .allSatisfy(i -> assertThat(i.reason()).isEqualTo(BatchScorer.MODEL_REASON))
                .extracting(RankedItem::itemId).doesNotContain("item-3", "item-4"));

        // and without a model the heuristic ranks
        BatchScorer none = new BatchScorer(() -> null, ScoringSettings.defaults(), metrics);
        assertThat(none.rank(requests, id -> true)).allSatisfy(r -> {
            assertThat(r.modelVersion()).isEqualTo(HeuristicRanker.VERSION);
            assertThat(r.items().getFirst().itemId()).isEqualTo("never-seen-item");
        });
    }

    static ModelSource fixed(ScoringSession s, String version) {
        return () -> new ModelLease() {
            @Override
            public ScoringSession session() {
                return s;
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public void close() {
            }
        };
    }
}
