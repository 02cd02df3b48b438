package dev.streamrec.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
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
import dev.streamrec.trainer.eval.Scorer;
import dev.streamrec.trainer.model.DenseEase;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.train.Trainer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hybrid graph with the dense EASE term (a multi-hot history times the factor {@code in}, times {@code out} for
 * the rows scored) computes what the Java hybrid computes, in both modes: a reading longer than the pooling model's
 * (40 events against 10) and a shorter one (5), repeated items counted once, factors of full rank (this catalogue
 * is smaller than the rank) and of low rank. Candidate mode reads only its candidates' rows of {@code out}.
 */
class DenseEaseExportTest {

    static SeqRecModel base;
    static CoVisitations.Graphs graphs;
    static CoVisitations.Mix counting;
    @TempDir
    static Path dir;

    @BeforeAll
    static void train() {
        EventLog log = Fixtures.log(200, 150, 5_000, 21L);
        base = new Trainer(Fixtures.quick().withMaxEpochs(1)).train(log, List.of(), null).model();
        graphs = new CoVisitations.Graphs(log, base.vocabulary);
        counting = new CoVisitations.Mix(new double[] {5, 2, 1, 3}, 10, 0.8);
    }

    private static HybridModel model(int window) {
        CoVisitations.Mix mix = counting.withDenseEase(8, 10, window);
        return new HybridModel(base, graphs.table(mix, 20), null, graphs.denseEase(mix));
    }

    @Test
    void onnxMatchesTheJavaHybridOnAThousandRandomHistoriesInBothModes() {
        onnxMatchesTheJavaHybridOnAThousandRandomHistoriesInBothModes(model(40), "w40");
    }

    @Test
    void lowRankFactorsMatchToo() {
        HybridModel full = model(40);
        DenseEase lowRank = DenseEase.random(full.denseEase().rows, 40, 16, 0.3, 3L);
        onnxMatchesTheJavaHybridOnAThousandRandomHistoriesInBothModes(
                new HybridModel(base, full.coVisitation(), null, lowRank), "rank16");
    }

    private void onnxMatchesTheJavaHybridOnAThousandRandomHistoriesInBothModes(HybridModel model, String version) {
        assertThat(model.maxHistory()).as("the graph reads the dense term's window").isEqualTo(40);
        SplittableRandom random = new SplittableRandom(11);
        List<EvalCase> cases = histories(model, random, 1_000, 60);
        List<List<String>> candidates = candidates(model, random, cases.size(), 8);

        try (RecommenderSession session = open(model, version)) {
            float[][] java = new HybridScorer(model).scoreCandidates(cases, candidates);
            float[][] withoutDense = new HybridScorer(new HybridModel(base, model.coVisitation()))
                    .scoreCandidates(cases, candidates);
            float[] onnx = session.scoreCandidates(encode(cases, model.maxHistory()), ItemRows.padded(candidates));

            double maxDiff = 0;
            double maxDense = 0;
            for (int b = 0; b < java.length; b++) {
                for (int c = 0; c < java[b].length; c++) {
                    maxDiff = Math.max(maxDiff, Math.abs(java[b][c] - onnx[b * 8 + c]));
                    if (java[b][c] != ModelContract.UNKNOWN_ITEM_SCORE) {
                        maxDense = Math.max(maxDense, Math.abs(java[b][c] - withoutDense[b][c]));
                    }
                }
            }
            assertThat(maxDiff).as("max |java - onnx|, candidate mode").isLessThanOrEqualTo(1e-4);
            assertThat(maxDense).as("largest dense EASE contribution").isGreaterThan(0.5);

            // full-catalogue mode: Java's top-10 scores, history excluded as the evaluator excludes it
            List<EvalCase> first = cases.subList(0, 200);
            List<List<String>> exclude = first.stream()
                    .map(c -> c.history().stream().map(HistoryEvent::itemId).distinct().toList()).toList();
            List<List<Scorer.Ranked>> javaTop = new HybridScorer(model).topItems(first, exclude, 10);
            TopItems onnxTop = session.topItems(encode(first, model.maxHistory()), ItemRows.padded(exclude), 10);
            for (int b = 0; b < first.size(); b++) {
                for (int r = 0; r < 10; r++) {
                    assertThat((double) onnxTop.score(b, r)).as("case %d rank %d", b, r)
                            .isCloseTo(javaTop.get(b).get(r).score(), Offset.offset(1e-4));
                }
            }
        }
    }

    @Test
    void aReadingShorterThanThePoolingModelsAndRepeatedItemsAlsoMatch() {
        HybridModel model = model(5);
        assertThat(model.maxHistory()).as("the pooling model's 10 events").isEqualTo(10);
        SplittableRandom random = new SplittableRandom(5);
        List<EvalCase> cases = histories(model, random, 200, 20);
        // and histories of one item repeated: counted once, so the term is that item's row once
        for (int i = 0; i < 50; i++) {
            String item = model.vocabulary().id(1 + random.nextInt(model.vocabulary().size()));
            List<HistoryEvent> h = new ArrayList<>();
            for (int j = 0; j < 1 + random.nextInt(12); j++) {
                h.add(new HistoryEvent(item, EventType.PURCHASE, Fixtures.START + j));
            }
            cases.add(new EvalCase("r" + i, h, "", Fixtures.START + 1_000_000L, List.of()));
        }
        List<List<String>> candidates = candidates(model, random, cases.size(), 6);

        try (RecommenderSession session = open(model, "w5")) {
            float[][] java = new HybridScorer(model).scoreCandidates(cases, candidates);
            float[] onnx = session.scoreCandidates(encode(cases, model.maxHistory()), ItemRows.padded(candidates));
            for (int b = 0; b < java.length; b++) {
                for (int c = 0; c < java[b].length; c++) {
                    assertThat((double) onnx[b * 6 + c]).as("case %d candidate %d", b, c)
                            .isCloseTo(java[b][c], Offset.offset(1e-4));
                }
            }
        }
    }

    @Test
    void candidateModeCountsRepeatsOnceAndMasksUnknownAndPaddingCandidates() {
        // Histories drawn from a pool of 3 items plus unknown ids (many repeats, some beyond the 40-event reading),
        // candidates of uneven width (padding), unknown ids and the history's own items.
        HybridModel model = model(40);
        SplittableRandom random = new SplittableRandom(17);
        List<EvalCase> cases = new ArrayList<>();
        List<List<String>> candidates = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            List<String> pool = List.of(randomItem(model, random), randomItem(model, random), randomItem(model, random));
            long now = Fixtures.START + random.nextLong(1_000_000_000L);
            List<HistoryEvent> history = new ArrayList<>();
            for (int j = 0, n = random.nextInt(61); j < n; j++) {
                String item = random.nextInt(8) == 0 ? "unknown-" + random.nextInt(3) : pool.get(random.nextInt(pool.size()));
                history.add(new HistoryEvent(item, EventType.values()[1 + random.nextInt(4)], now - 1_000L * (n - j)));
            }
            cases.add(new EvalCase("r" + i, history, "", now, List.of()));
            List<String> row = new ArrayList<>();
            for (int c = 0, width = 1 + random.nextInt(9); c < width; c++) {
                row.add(random.nextInt(3) == 0 ? pool.get(random.nextInt(pool.size())) : randomItem(model, random));
            }
            candidates.add(row);
        }
        try (RecommenderSession session = open(model, "repeats")) {
            float[][] java = new HybridScorer(model).scoreCandidates(cases, candidates);
            ItemRows rows = ItemRows.padded(candidates);
            int width = rows.ids().length / cases.size();
            float[] onnx = session.scoreCandidates(encode(cases, model.maxHistory()), rows);
            for (int b = 0; b < cases.size(); b++) {
                for (int c = 0; c < width; c++) {
                    double expected = c < java[b].length ? java[b][c] : ModelContract.UNKNOWN_ITEM_SCORE;
                    assertThat((double) onnx[b * width + c]).as("case %d candidate %d", b, c)
                            .isCloseTo(expected, Offset.offset(1e-4));
                }
            }
        }
    }

    @Test
    void theTermIsTwoFactorsAndCandidateModeReadsOnlyItsCandidatesRows() {
        HybridModel model = model(40);
        ModelProto proto = OnnxExporter.build(model.base(), model.coVisitation(), model.longTerm(), model.denseEase(),
                new OnnxExporter.Metadata("seqrec", "structure", new ModelManifest.TrainedOn(1, 2, 3, "test"), Map.of()),
                OnnxExporter.DENSE_SIGNAL_MAX_ROWS);
        long rows = model.denseEase().rows;
        long rank = model.denseEase().rank;
        assertThat(proto.getGraph().getInitializerList()).filteredOn(t -> t.getName().startsWith("dense_ease_"))
                .extracting(t -> t.getName() + t.getDimsList())
                .containsExactlyInAnyOrder("dense_ease_in[" + rows + ", " + rank + "]", "dense_ease_out[" + rows + ", " + rank + "]");
        // the user vector once, in the outer graph: the multi-hot times in
        assertThat(proto.getGraph().getNodeList()).filteredOn(n -> n.getInputList().contains(OnnxExporter.DENSE_EASE_IN))
                .extracting(NodeProto::getOpType).containsExactly("MatMul");
        NodeProto mode = proto.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("If") && n.getOutputList().contains(ModelContract.SCORES)).findFirst().orElseThrow();
        assertThat(branch(mode, "then_branch").getNodeList()).as("full catalogue: every row of out")
                .filteredOn(n -> n.getInputList().contains(OnnxExporter.DENSE_EASE_OUT))
                .extracting(NodeProto::getOpType).containsExactly("Gemm");
        assertThat(branch(mode, "else_branch").getNodeList()).as("candidates: their rows of out only")
                .filteredOn(n -> n.getInputList().contains(OnnxExporter.DENSE_EASE_OUT))
                .extracting(NodeProto::getOpType).containsExactly("Gather");
    }

    private static GraphProto branch(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst().orElseThrow().getG();
    }

    @Test
    void aWarmStartReadsThePoolingModelBackFromAGraphWithTheDenseTerm() {
        // the history rows are then a Slice of the dense term's longer encoding, not the LabelEncoder itself
        HybridModel model = model(40);
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata("seqrec", "warm",
                new ModelManifest.TrainedOn(1, 2, 3, "test"), Map.of()), 42L, dir.resolve("warm"));
        SeqRecModel back = ModelReader.read(artifact.modelFile());
        assertThat(back.vocabulary.ids()).isEqualTo(base.vocabulary.ids());
        assertThat(back.itemIn).containsExactly(base.itemIn);
        assertThat(back.itemOut).containsExactly(base.itemOut);
    }

    @Test
    void anEmptyHistoryGetsNoDenseTerm() {
        HybridModel model = model(40);
        List<EvalCase> empty = List.of(new EvalCase("u", List.of(), "", Fixtures.START, List.of()));
        List<List<String>> candidates = List.of(List.of(model.vocabulary().id(1), model.vocabulary().id(2)));
        try (RecommenderSession session = open(model, "empty")) {
            float[] onnx = session.scoreCandidates(encode(empty, model.maxHistory()), ItemRows.padded(candidates));
            float[][] java = new HybridScorer(new HybridModel(base, model.coVisitation())).scoreCandidates(empty, candidates);
            assertThat(onnx[0]).isCloseTo(java[0][0], Offset.offset(1e-5f));
            assertThat(onnx[1]).isCloseTo(java[0][1], Offset.offset(1e-5f));
        }
    }

    private static RecommenderSession open(HybridModel model, String version) {
        ModelArtifact artifact = ArtifactWriter.write(model, new OnnxExporter.Metadata("seqrec", version,
                new ModelManifest.TrainedOn(1, 2, 3, "test"), Map.of()), 42L, dir.resolve(version));
        assertThat(artifact.manifest().maxHistory()).isEqualTo(model.maxHistory());
        RecommenderSession session = new SessionFactory(SessionSettings.defaults().withDevice(OnnxDevice.CPU)).open(artifact);
        session.verifyGolden();
        return session;
    }

    /** Random histories (lengths 0..maxLength, unknown and repeated items, all types), oldest first. */
    private static List<EvalCase> histories(HybridModel model, SplittableRandom random, int n, int maxLength) {
        List<EvalCase> cases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int length = random.nextInt(maxLength + 1);
            long now = Fixtures.START + random.nextLong(1_000_000_000L);
            List<HistoryEvent> history = new ArrayList<>();
            for (int j = 0; j < length; j++) {
                history.add(new HistoryEvent(randomItem(model, random), EventType.values()[1 + random.nextInt(4)],
                        now - random.nextLong(400L * 86_400_000L)));
            }
            history.sort(java.util.Comparator.comparingLong(HistoryEvent::timestamp));
            cases.add(new EvalCase("u" + i, history, "", now, List.of()));
        }
        return cases;
    }

    private static List<List<String>> candidates(HybridModel model, SplittableRandom random, int n, int width) {
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < width; c++) {
                row.add(randomItem(model, random));
            }
            out.add(row);
        }
        return out;
    }

    private static HistoryBatch encode(List<EvalCase> cases, int maxHistory) {
        return HistoryEncoder.encode(cases.stream().map(EvalCase::history).toList(),
                cases.stream().mapToLong(EvalCase::timestamp).toArray(), maxHistory);
    }

    private static String randomItem(HybridModel model, SplittableRandom random) {
        return random.nextInt(10) == 0 ? "unknown-" + random.nextInt(5)
                : model.vocabulary().id(1 + random.nextInt(model.vocabulary().size()));
    }
}
