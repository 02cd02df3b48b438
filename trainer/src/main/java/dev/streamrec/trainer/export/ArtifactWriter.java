package dev.streamrec.trainer.export;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

import dev.streamrec.avro.EventType;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.model.RecModel;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.Vocabulary;
import dev.streamrec.trainer.seq.SasRecModel;

/**
 * Writes {@code model.onnx} and {@code manifest.json} into a directory and returns the verified
 * artifact. The manifest's golden input is computed with the Java model: a fixed history of the
 * three highest-bias items (PURCHASE, CLICK, VIEW; a minute, an hour and a day old) plus one
 * unknown id, and its top 10. Opening the artifact replays it through ONNX Runtime, so every export
 * is checked against the Java reference before anyone can publish it.
 */
public final class ArtifactWriter {

    /** An id no vocabulary holds: the golden input exercises the unknown-item path. */
    static final String GOLDEN_UNKNOWN = "\u0000streamrec-golden-unknown";
    private static final int GOLDEN_K = 10;

    private ArtifactWriter() {
    }

    public static ModelArtifact write(RecModel model, OnnxExporter.Metadata metadata, long createdAt, Path dir) {
        Path modelFile = dir.resolve(ModelContract.MODEL_FILE);
        switch (model) {
            case SeqRecModel pooling -> OnnxExporter.write(pooling, metadata, modelFile);
            case HybridModel hybrid -> OnnxExporter.write(hybrid.base(), hybrid.coVisitation(), hybrid.longTerm(),
                    hybrid.denseEase(), metadata, modelFile);
            case SasRecModel sasrec -> SasRecExporter.write(sasrec, metadata, modelFile);
            default -> throw new IllegalArgumentException("no ONNX exporter for " + model.getClass().getName());
        }
        ModelManifest manifest = new ModelManifest(ModelContract.CONTRACT_VERSION, metadata.name(), metadata.version(),
                createdAt, ModelArtifact.sha256(modelFile), model.vocabulary().size(), model.dim(), model.maxHistory(),
                ModelArtifact.INPUT_SIGNATURE, ModelArtifact.OUTPUT_SIGNATURE, metadata.metrics(), metadata.trainedOn(),
                golden(model));
        manifest.write(dir.resolve(ModelContract.MANIFEST_FILE));
        return ModelArtifact.load(dir);
    }

    static ModelManifest.Golden golden(RecModel model) {
        Vocabulary vocabulary = model.vocabulary();
        int[] top3 = IntStream.range(1, vocabulary.rows()).boxed()
                .sorted(Comparator.comparingDouble((Integer r) -> -model.itemBias(r)).thenComparing(r -> r))
                .limit(3).mapToInt(Integer::intValue).toArray();
        long now = 1_000_000_000_000L;
        EventType[] types = {EventType.PURCHASE, EventType.CLICK, EventType.VIEW};
        long[] agesMs = {60_000L, 3_600_000L, 86_400_000L};
        List<HistoryEvent> events = new ArrayList<>(); // oldest first, as a state store would hold them
        events.add(new HistoryEvent(GOLDEN_UNKNOWN, EventType.CLICK, now - 2 * 86_400_000L));
        for (int i = top3.length - 1; i >= 0; i--) {
            events.add(new HistoryEvent(vocabulary.id(top3[i]), types[i], now - agesMs[i]));
        }
        var input = HistoryEncoder.encode(List.of(events), new long[] {now}, model.maxHistory());

        History hist = new History(model.maxHistory()).fill(events, now, vocabulary, model.ageBoundaries());
        int k = Math.min(GOLDEN_K, vocabulary.size());
        float[] scores = model.scoreRows(hist);
        List<Integer> best = IntStream.range(1, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer r) -> -scores[r]).thenComparing(r -> r))
                .limit(k).toList();
        List<Float> ages = new ArrayList<>();
        List<Long> typeCodes = new ArrayList<>();
        for (int j = 0; j < input.length(); j++) { // one row: the flat arrays are row 0
            ages.add(input.ages()[j]);
            typeCodes.add(input.types()[j]);
        }
        return new ModelManifest.Golden(List.of(input.items()), typeCodes, ages,
                best.stream().map(vocabulary::id).toList(), best.stream().map(r -> scores[r]).toList());
    }
}
