package dev.streamrec.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.streamrec.avro.EventType;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.HistoryBatch;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.ItemRows;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.onnx.TopItems;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.eval.CoVisitations;
import dev.streamrec.trainer.eval.HybridScorer;
import dev.streamrec.trainer.eval.ModelScorer;
import dev.streamrec.trainer.eval.Scorer;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.seq.SasRecSettings;
import dev.streamrec.trainer.service.ModelTraining;
import dev.streamrec.trainer.service.TrainingPipeline;
import dev.streamrec.trainer.train.Trainer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hybrid graph (pooling model + in-graph co-occurrence table + long-history EASE table) computes what
 * the Java hybrid computes, in both modes.
 */
class HybridExportTest {

    static HybridModel model;
    static RecommenderSession session;
    @TempDir
    static Path dir;

    @BeforeAll
    static void trainAndExport() {
        EventLog log = Fixtures.log(200, 150, 5_000, 21L);
        SeqRecModel base = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(log, List.of(), null).model();
        // all four signals mixed, read over the last 10 events, with weights large enough that the table moves
        // rankings; 20 neighbours (some items have fewer: empty slots); plus the EASE table read over the last
        // 40 events, four times the pooling model's 10, so the graph reads a longer slice for it
        CoVisitations.Graphs graphs = new CoVisitations.Graphs(log, base.vocabulary);
        CoVisitations.Mix mix = new CoVisitations.Mix(new double[] {5, 2, 1, 3}, 10, 0.8).withEase(8, 10, 40);
        model = new HybridModel(base, graphs.table(mix, 20), graphs.easeTable(mix, 20));
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata("seqrec", "v1",
                new ModelManifest.TrainedOn(1, 2, 3, "test"), Map.of()), 42L, dir.resolve("v1"));
        session = new SessionFactory(SessionSettings.defaults().withDevice(OnnxDevice.CPU)).open(artifact);
        session.verifyGolden();
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void onnxMatchesTheJavaHybridOnAThousandRandomHistoriesInBothModes() {
        // given 1,000 random histories (lengths 0..60, unknown and repeated items, all types)
        SplittableRandom random = new SplittableRandom(7);
        List<EvalCase> cases = new ArrayList<>();
        List<List<String>> candidates = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            int length = random.nextInt(61);
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

        // when Java (hybrid and pooling alone) and ONNX Runtime score them in candidate mode
        float[][] java = new HybridScorer(model).scoreCandidates(cases, candidates);
        float[][] poolingOnly = new ModelScorer(model.base()).scoreCandidates(cases, candidates);
        float[][] withoutLongTerm = new HybridScorer(new HybridModel(model.base(), model.coVisitation()))
                .scoreCandidates(cases, candidates);
        float[] onnx = session.scoreCandidates(encode(cases), ItemRows.padded(candidates));

        // then they agree within 1e-4, unknown candidates at the fallback, and the table did change scores
        double maxDiff = 0;
        double maxSignal = 0;
        double maxLongTerm = 0;
        for (int b = 0; b < java.length; b++) {
            for (int c = 0; c < java[b].length; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(java[b][c] - onnx[b * 8 + c]));
                if (java[b][c] != ModelContract.UNKNOWN_ITEM_SCORE) {
                    maxSignal = Math.max(maxSignal, java[b][c] - poolingOnly[b][c]);
                    maxLongTerm = Math.max(maxLongTerm, Math.abs(java[b][c] - withoutLongTerm[b][c]));
                }
            }
        }
        assertThat(maxDiff).as("max |java - onnx|, candidate mode").isLessThanOrEqualTo(1e-4);
        assertThat(maxSignal).as("largest co-occurrence contribution").isGreaterThan(0.5);
        assertThat(maxLongTerm).as("largest EASE-table contribution").isGreaterThan(0.5);
        assertThat(model.maxHistory()).as("the graph reads the long table's window").isEqualTo(40);

        // and full-catalogue mode gives Java's top-10 scores
        List<EvalCase> first = cases.subList(0, 100);
        List<List<String>> none = first.stream().map(c -> List.<String>of()).toList();
        List<List<Scorer.Ranked>> javaTop = new HybridScorer(model).topItems(first, none, 10);
        TopItems onnxTop = session.topItems(encode(first), ItemRows.padded(none), 10);
        for (int b = 0; b < first.size(); b++) {
            for (int r = 0; r < 10; r++) {
                assertThat((double) onnxTop.score(b, r)).as("case %d rank %d", b, r)
                        .isCloseTo(javaTop.get(b).get(r).score(), Offset.offset(1e-4));
            }
        }
    }

    @Test
    void largeCatalogueCandidatePathGivesTheSameScoresAsTheDenseOne() throws Exception {
        // given the same model built with the dense candidate signal and with slot matching (the large-catalogue path)
        Path dense = dir.resolve("dense.onnx");
        Path matching = dir.resolve("matching.onnx");
        OnnxExporter.Metadata meta = new OnnxExporter.Metadata("seqrec", "v1", new ModelManifest.TrainedOn(1, 2, 3, "t"), Map.of());
        java.nio.file.Files.write(dense, OnnxExporter.build(model.base(), model.coVisitation(), model.longTerm(), meta, Integer.MAX_VALUE).toByteArray());
        java.nio.file.Files.write(matching, OnnxExporter.build(model.base(), model.coVisitation(), model.longTerm(), meta, 0).toByteArray());

        // when both score 50 histories' candidates (repeats included)
        SplittableRandom random = new SplittableRandom(3);
        int b = 50;
        int l = 8;
        int c = 6;
        String[][] items = new String[b][l];
        long[][] types = new long[b][l];
        float[][] ages = new float[b][l];
        String[][] candidates = new String[b][c];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < l; j++) {
                items[i][j] = j < random.nextInt(l + 1) ? randomItem(random) : "";
                types[i][j] = 1;
                ages[i][j] = 60f * j;
            }
            for (int k = 0; k < c; k++) {
                candidates[i][k] = randomItem(random);
            }
        }
        float[][] a = scores(dense, items, types, ages, candidates);
        float[][] m = scores(matching, items, types, ages, candidates);

        // then the scores are the same
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < c; k++) {
                assertThat(m[i][k]).as("case %d candidate %d", i, k).isCloseTo(a[i][k], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    private static float[][] scores(Path file, String[][] items, long[][] types, float[][] ages, String[][] candidates)
            throws Exception {
        var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        String[][] exclude = new String[items.length][1];
        for (String[] row : exclude) {
            row[0] = "";
        }
        try (var session = env.createSession(file.toString());
             var i = ai.onnxruntime.OnnxTensor.createTensor(env, items);
             var t = ai.onnxruntime.OnnxTensor.createTensor(env, types);
             var a = ai.onnxruntime.OnnxTensor.createTensor(env, ages);
             var c = ai.onnxruntime.OnnxTensor.createTensor(env, candidates);
             var e = ai.onnxruntime.OnnxTensor.createTensor(env, exclude);
             var k = ai.onnxruntime.OnnxTensor.createTensor(env, new long[] {10});
             var out = session.run(Map.of(ModelContract.HISTORY_ITEMS, i, ModelContract.HISTORY_TYPES, t,
                     ModelContract.HISTORY_AGES, a, ModelContract.CANDIDATES, c, ModelContract.EXCLUDE, e, ModelContract.K, k),
                     java.util.Set.of(ModelContract.SCORES))) {
            return (float[][]) out.get(0).getValue();
        }
    }

    @Test
    void anEmptyHistoryScoresLikeThePoolingModel() {
        // given a batch of one user without events (a [1, 0] history)
        List<EvalCase> empty = List.of(new EvalCase("u", List.of(), "", Fixtures.START, List.of()));
        List<List<String>> candidates = List.of(List.of(model.vocabulary().id(1), model.vocabulary().id(2)));

        // when scored by the graph
        float[] onnx = session.scoreCandidates(encode(empty), ItemRows.padded(candidates));

        // then there is no co-occurrence signal, only the pooling model's score (its item bias)
        float[][] pooling = new ModelScorer(model.base()).scoreCandidates(empty, candidates);
        assertThat(onnx[0]).isCloseTo(pooling[0][0], org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(onnx[1]).isCloseTo(pooling[0][1], org.assertj.core.data.Offset.offset(1e-5f));
    }

    @Test
    void aHybridPipelineRunPublishesTheTableInTheGraphAndWarmStartsReadTheBaseBack(@TempDir Path root) throws Exception {
        // given simulated events and the hybrid model
        EventLog log = Fixtures.log(200, 150, 5_000, 21L);
        TrainingPipeline.Settings settings = TrainingPipeline.Settings.defaults(root, "seqrec")
                .withTraining(Fixtures.quick().withMaxEpochs(3))
                .withModel(ModelTraining.Kind.HYBRID, SasRecSettings.defaults());

        // when one run trains, chooses the weight, refits, exports, evaluates through ONNX Runtime and gates
        TrainingPipeline.Outcome outcome = new TrainingPipeline(settings, null, java.time.Clock.systemUTC()).run(log);

        // then the published graph is the hybrid one, and its pooling weights read back for a warm start
        assertThat(outcome.published()).as(outcome.reason()).isTrue();
        assertThat(outcome.training().kind()).isEqualTo(ModelTraining.Kind.HYBRID);
        assertThat(outcome.training().model()).isInstanceOf(HybridModel.class);
        Path file = ModelArtifact.load(outcome.artifact()).modelFile();
        try (var s = ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(file.toString())) {
            assertThat(s.getMetadata().getCustomMetadata()).containsEntry(OnnxExporter.META_ARCHITECTURE, "hybrid");
        }
        SeqRecModel base = ((HybridModel) outcome.training().model()).base();
        assertThat(ModelReader.read(file).itemIn).containsExactly(base.itemIn);
    }

    private static HistoryBatch encode(List<EvalCase> cases) {
        return HistoryEncoder.encode(cases.stream().map(EvalCase::history).toList(),
                cases.stream().mapToLong(EvalCase::timestamp).toArray(), model.maxHistory());
    }

    private static String randomItem(SplittableRandom random) {
        return random.nextInt(10) == 0 ? "unknown-" + random.nextInt(5)
                : model.vocabulary().id(1 + random.nextInt(model.vocabulary().size()));
    }
}
