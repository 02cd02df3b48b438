package dev.streamrec.app.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

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
import dev.streamrec.onnx.HistoryBatch;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.ItemRows;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.ModelLoadException;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.OrtSupport;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.TopItems;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.eval.ModelScorer;
import dev.streamrec.trainer.eval.Scorer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONNX session layer on a real trainer-made model, as the app uses it: device choice and
 * fallback, both modes against the trainer's Java model with pooled buffers, and the batched scorer.
 */
class RecommenderSessionTest {

    @TempDir
    static Path root;
    static ModelArtifact artifact;
    static RecommenderSession session;
    static List<List<HistoryEvent>> histories;

    @BeforeAll
    static void exportModel() {
        artifact = TrainedModels.export(root, "20260101T000000000Z", 1L);
        session = new SessionFactory(ScoringSettings.defaults().session()).open(artifact);
        session.verifyGolden();
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
    }

    @Test
    void shouldFallBackToTheCpuWhenAutoFindsNoGpuDriverAndSayWhichRuns() {
        // given device auto on a host whose factory was told there is no NVIDIA driver
        SessionFactory noDriver = new SessionFactory(ScoringSettings.defaults().session(), false);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ScoringMetrics metrics = new ScoringMetrics(registry);

        // when the device is probed and a model opened
        metrics.device(noDriver.probeDevice());
        try (RecommenderSession s = noDriver.open(artifact)) {
            // then the CPU runs, and the gauge says so
            assertThat(s.device()).isEqualTo(SessionFactory.CPU);
        }
        assertThat(registry.get(ScoringMetrics.DEVICE_INFO).tag("device", "cpu").gauge().value()).isEqualTo(1.0);
        assertThat(registry.find(ScoringMetrics.DEVICE_INFO).tag("device", "cuda").gauge()).as("only the device in use").isNull();
    }

    @Test
    void shouldRememberAFailedCudaProviderPerFactoryNotPerProcess() {
        assumeFalse(OrtSupport.nvidiaDriverPresent(), "needs a host where the CUDA provider cannot load");
        // given two factories that believe a driver is present (so auto tries CUDA)
        SessionFactory first = new SessionFactory(ScoringSettings.defaults().session(), true);
        SessionFactory second = new SessionFactory(ScoringSettings.defaults().session(), true);

        // when the first opens a model: CUDA fails, the CPU serves
        try (RecommenderSession s = first.open(artifact)) {
            assertThat(s.device()).isEqualTo(SessionFactory.CPU);
        }

        // then the first no longer tries CUDA, while the second, which never failed, still would
        assertThat(first.cudaKnownUnavailable()).isTrue();
        assertThat(second.cudaKnownUnavailable()).as("no state shared between factories").isFalse();
        assertThat(second.probeDevice()).isEqualTo(SessionFactory.CPU);
        assertThat(second.cudaKnownUnavailable()).isTrue();
    }

    @Test
    void shouldRefuseToLoadWhenCudaIsDemandedWithoutAGpu() {
        assumeFalse(OrtSupport.nvidiaDriverPresent(), "needs a host without a GPU");
        SessionFactory cuda = new SessionFactory(ScoringSettings.defaults().withDevice(OnnxDevice.CUDA).session());
        assertThatThrownBy(() -> cuda.open(artifact))
                .isInstanceOfSatisfying(ModelLoadException.class,
                        e -> assertThat(e.reason()).isEqualTo(ModelLoadException.Reason.OPEN_FAILED))
                .hasMessageContaining("CUDA");
    }

    @Test
    void shouldScoreLikeTheTrainersJavaModelInBothModesWhileReusingBuffers() {
        // given the Java model the artifact was exported from, and five users' histories
        Scorer java = new ModelScorer(TrainedModels.trained(1L));
        long now = TrainedModels.START + 3_600_000L;
        List<EvalCase> cases = histories.stream().map(h -> new EvalCase("u", h, "", now, List.of())).toList();
        long[] times = new long[histories.size()];
        Arrays.fill(times, now);
        int users = histories.size();
        // the app's shape: rows rounded up to a power of two, full history width
        HistoryBatch batch = HistoryEncoder.encode(histories, times, ItemRows.bucket(users), session.maxHistory());

        for (int round = 0; round < 3; round++) { // same shape each round: pooled buffers, new contents
            int offset = round * 7;
            List<List<String>> cands = new ArrayList<>();
            ItemRows rows = ItemRows.padding(batch.rows(), 16);
            for (int b = 0; b < users; b++) {
                List<String> row = new ArrayList<>();
                for (int c = 0; c < 16; c++) {
                    row.add(ShopperSimulator.itemId((offset + b * 16 + c) % TrainedModels.ITEMS));
                    rows.ids()[b * 16 + c] = row.getLast();
                }
                cands.add(row);
            }
            float[][] want = java.scoreCandidates(cases, cands);
            float[] got = session.scoreCandidates(batch, rows);
            for (int b = 0; b < users; b++) {
                for (int c = 0; c < 16; c++) {
                    assertThat(got[b * 16 + c]).as("round %d row %d candidate %d", round, b, c)
                            .isCloseTo(want[b][c], within(1e-4f));
                }
            }
        }
        assertThat(session.pooledWorkspaces()).as("one workspace per shape, reused").isGreaterThanOrEqualTo(1);

        // and full-catalog mode with two exclusions per user gives the Java model's ranking
        List<List<String>> exclude = histories.stream()
                .map(h -> List.of(h.getLast().itemId(), h.getFirst().itemId())).toList();
        HistoryBatch exact = HistoryEncoder.encode(histories, times, users, session.maxHistory());
        List<List<Scorer.Ranked>> want = java.topItems(cases, exclude, 10);
        TopItems got = session.topItems(exact, ItemRows.padded(exclude), 10);
        for (int b = 0; b < users; b++) {
            assertThat(got.items()[b]).as("top items of row %d", b).doesNotContainAnyElementsOf(exclude.get(b));
            for (int r = 0; r < 10; r++) {
                assertThat(got.score(b, r)).as("row %d rank %d", b, r).isCloseTo(want.get(b).get(r).score(), within(1e-4f));
            }
            assertThat(got.ranked(b)).as("row %d, nothing masked", b).hasSize(10);
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

    static ModelSource fixed(RecommenderSession s, String version) {
        return () -> new ModelLease() {
            @Override
            public RecommenderSession session() {
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
