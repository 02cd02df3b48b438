package dev.streamrec.trainer.export;

import static dev.streamrec.trainer.export.GraphBuilder.intAttr;
import static dev.streamrec.trainer.export.GraphBuilder.intsAttr;
import static dev.streamrec.trainer.export.GraphBuilder.stringAttr;
import static dev.streamrec.trainer.export.GraphBuilder.stringsAttr;
import static dev.streamrec.trainer.export.GraphBuilder.tensorAttr;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.DenseEase;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.Vocabulary;

/**
 * Writes a {@link SeqRecModel} as one ONNX graph implementing {@link ModelContract}.
 *
 * <pre>
 * history_items --Slice[:L]--LabelEncoder(vocab, default 0)--Gather(item_in)-------------------------+
 * history_types --Slice--Clip--Gather(type_weight)----------------+                                  |
 * history_ages  --Slice--GreaterOrEqual(boundaries)--ReduceSum--Gather(age_weight)--Mul-- w --Mul--ReduceSum(L)-- h
 * position_weight[:L] --------------------------------------------+
 * h --Gemm(dense)--Relu--Add(h)-- u
 * candidates --LabelEncoder-- rows --ReduceMax == 0 ?
 *   then (full catalog): u --Gemm(item_out^T, item_bias)--Where(ScatterElements(exclude) -> masked)
 *                          --TopK(min(k, rows))--LabelEncoder(rows -> ids)-- top_items, top_scores; scores all masked
 *   else (candidates):   Gather(item_out), Gather(item_bias) at rows --MatMul(u)--Add--Where(row 0 -> masked)-- scores;
 *                          top_items, top_scores empty [B, 0]
 * </pre>
 *
 * Vocabulary rows start at 1; row 0 is the LabelEncoder's default for unknown ids and padding. Its
 * input embedding is zero (an unknown history item adds nothing), and its bias is exported as
 * {@link ModelContract#UNKNOWN_ITEM_SCORE} with a zero output embedding, so the full-catalog
 * column 0 always sits at the masked score and never outranks a real item. Excluded items get that
 * masked score too, via a boolean mask scattered from the exclude ids. {@code k} is clamped to the
 * number of columns so an oversized k cannot fail the call.
 *
 * <p>The mode is chosen inside the graph by an {@code If}: any known candidate means candidate
 * mode. ONNX Runtime 1.28 does not skip nodes whose outputs were not requested (measured: with a
 * flat graph, candidate mode over a 1M-item table cost as much as full-catalog mode), so without
 * the {@code If} every candidate call would pay for the catalogue-wide product.
 * {@code LargeCatalogTest} guards this. A candidate call whose candidates are all unknown or padding
 * takes the full-catalog branch; its {@code scores} are then all masked, which is the right answer.
 */
public final class OnnxExporter {

    public static final int OPSET = 17;
    public static final int ML_OPSET = 2;

    static final String ITEM_IN = "item_in";
    static final String ITEM_OUT = "item_out";
    static final String ITEM_BIAS = "item_bias";
    static final String POSITION = "position_weight";
    static final String TYPE_WEIGHT = "type_weight";
    static final String AGE_WEIGHT = "age_weight";
    static final String AGE_BOUNDARIES = "age_boundaries";
    static final String DENSE = "dense";
    static final String DENSE_BIAS = "dense_bias";
    static final String HISTORY_ROWS = "history_rows";
    /** Metadata key naming the graph's architecture ("pooling" or "sasrec"); serving ignores it. */
    public static final String META_ARCHITECTURE = "streamrec.architecture";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What goes into the graph's metadata_props besides the weights. */
    public record Metadata(String name, String version, ModelManifest.TrainedOn trainedOn, Map<String, Double> metrics) {
    }

    private OnnxExporter() {
    }

    public static void write(SeqRecModel model, Metadata metadata, Path file) {
        write(model, null, metadata, file);
    }

    /** The pooling model plus, when {@code coVisitation} is not null, the hybrid's co-occurrence signal. */
    public static void write(SeqRecModel model, CoVisitation coVisitation, Metadata metadata, Path file) {
        write(model, coVisitation, null, metadata, file);
    }

    /**
     * The pooling model plus the hybrid's co-occurrence table and, when {@code longTerm} is not null, its
     * long-history table (read over more events than the pooling model: the graph then reads
     * {@code longTerm.window()} history columns).
     */
    public static void write(SeqRecModel model, CoVisitation coVisitation, CoVisitation longTerm, Metadata metadata,
                             Path file) {
        write(model, coVisitation, longTerm, null, metadata, file);
    }

    /**
     * As above, plus, when {@code denseEase} is not null, the dense EASE term: the first {@code denseEase.window}
     * history columns as a multi-hot row times the factor {@code in}, times {@code out} for the rows scored.
     */
    public static void write(SeqRecModel model, CoVisitation coVisitation, CoVisitation longTerm, DenseEase denseEase,
                             Metadata metadata, Path file) {
        ModelProto proto = build(model, coVisitation, longTerm, denseEase, metadata, DENSE_SIGNAL_MAX_ROWS);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                proto.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write ONNX model " + file, e);
        }
    }

    static ModelProto build(SeqRecModel m, Metadata metadata) {
        return build(m, null, metadata);
    }

    static ModelProto build(SeqRecModel m, CoVisitation coVisitation, Metadata metadata) {
        return build(m, coVisitation, metadata, DENSE_SIGNAL_MAX_ROWS);
    }

    /**
     * Up to this many vocabulary rows, candidate mode builds the co-occurrence signal as a [B, rows]
     * matrix and gathers the candidates from it (about 3x cheaper than matching every candidate against
     * every neighbour slot at 12k items); above it, the matching, whose cost does not grow with the catalogue.
     */
    static final int DENSE_SIGNAL_MAX_ROWS = 200_000;

    static ModelProto build(SeqRecModel m, CoVisitation coVisitation, Metadata metadata, int denseSignalMaxRows) {
        return build(m, coVisitation, null, metadata, denseSignalMaxRows);
    }

    static ModelProto build(SeqRecModel m, CoVisitation coVisitation, CoVisitation longTerm, Metadata metadata,
                            int denseSignalMaxRows) {
        return build(m, coVisitation, longTerm, null, metadata, denseSignalMaxRows);
    }

    static final String DENSE_EASE_IN = "dense_ease_in";
    static final String DENSE_EASE_OUT = "dense_ease_out";

    static ModelProto build(SeqRecModel m, CoVisitation coVisitation, CoVisitation longTerm, DenseEase denseEase,
                            Metadata metadata, int denseSignalMaxRows) {
        if (denseEase != null && coVisitation == null) {
            throw new IllegalArgumentException("the dense EASE term comes with the hybrid's co-occurrence table");
        }
        int rows = m.vocabulary.rows();
        int d = m.dim;
        GraphBuilder g = new GraphBuilder("streamrec_seqrec", "");
        g.input(ModelContract.HISTORY_ITEMS, DataType.STRING, "B", "L");
        g.input(ModelContract.HISTORY_TYPES, DataType.INT64, "B", "L");
        g.input(ModelContract.HISTORY_AGES, DataType.FLOAT, "B", "L");
        g.input(ModelContract.CANDIDATES, DataType.STRING, "B", "C");
        g.input(ModelContract.EXCLUDE, DataType.STRING, "B", "E");
        g.input(ModelContract.K, DataType.INT64, "1");

        float[] bias = m.itemBias.clone();
        bias[0] = ModelContract.UNKNOWN_ITEM_SCORE;
        String itemIn = g.floats(ITEM_IN, m.itemIn, rows, d);
        String itemOut = g.floats(ITEM_OUT, m.itemOut, rows, d);
        String itemBias = g.floats(ITEM_BIAS, bias, rows);
        String position = g.floats(POSITION, m.position, m.maxHistory);
        String typeWeight = g.floats(TYPE_WEIGHT, m.typeWeight, m.typeWeight.length);
        String ageWeight = g.floats(AGE_WEIGHT, m.ageWeight, m.ageWeight.length);
        String boundaries = g.floats(AGE_BOUNDARIES, m.ageBoundaries, m.ageBoundaries.length);
        String dense = g.floats(DENSE, m.dense, d, d);
        String denseBias = g.floats(DENSE_BIAS, m.denseBias, d);
        String zero = g.longs("c_zero", new long[] {0}, 1);
        String one = g.longs("c_one", new long[] {1}, 1);
        String two = g.longs("c_two", new long[] {2}, 1);
        String maxHistory = g.longs("c_max_history", new long[] {m.maxHistory}, 1);
        String typeMin = g.longs("c_type_min", new long[] {0});
        String typeMax = g.longs("c_type_max", new long[] {m.typeWeight.length - 1});
        String masked = g.scalarFloat("c_masked_score", ModelContract.UNKNOWN_ITEM_SCORE);
        String unknownRow = g.longs("c_unknown_row", new long[] {0});

        // History: keep the latest maxHistory columns, then per-event weight w = position * type * age.
        String items = g.op("Slice", List.of(ModelContract.HISTORY_ITEMS, zero, maxHistory, one));
        String types = g.op("Slice", List.of(ModelContract.HISTORY_TYPES, zero, maxHistory, one));
        String ages = g.op("Slice", List.of(ModelContract.HISTORY_AGES, zero, maxHistory, one));
        String denseRows = null;
        String historyRows;
        if (denseEase != null) {
            // The dense EASE term reads its own slice; encoded once, and the pooling model's rows are its first
            // columns when it is at least as long (one LabelEncoder over the history instead of two).
            String denseItems = g.op("Slice", List.of(ModelContract.HISTORY_ITEMS, zero,
                    g.longs("c_dense_ease_history", new long[] {denseEase.window}, 1), one));
            denseRows = vocabEncoder(g, m.vocabulary, denseItems, "dense_ease_history_rows");
            historyRows = denseEase.window >= m.maxHistory
                    ? g.opNamed("Slice", List.of(denseRows, zero, maxHistory, one), HISTORY_ROWS)
                    : vocabEncoder(g, m.vocabulary, items, HISTORY_ROWS);
        } else {
            historyRows = vocabEncoder(g, m.vocabulary, items, HISTORY_ROWS);
        }
        String embeddings = g.op("Gather", List.of(itemIn, historyRows), intAttr("axis", 0));
        String length = g.op("Slice", List.of(g.op("Shape", List.of(items)), one, two, zero));
        String positionW = g.op("Slice", List.of(position, zero, length, zero));
        String typeW = g.op("Gather", List.of(typeWeight, g.op("Clip", List.of(types, typeMin, typeMax))), intAttr("axis", 0));
        String reached = g.op("GreaterOrEqual", List.of(g.op("Unsqueeze", List.of(ages, two)), boundaries));
        String bucket = g.op("ReduceSum", List.of(g.op("Cast", List.of(reached), intAttr("to", DataType.INT64.getNumber())), two),
                intAttr("keepdims", 0));
        String ageW = g.op("Gather", List.of(ageWeight, bucket), intAttr("axis", 0));
        String w = g.op("Mul", List.of(g.op("Mul", List.of(positionW, typeW)), ageW));
        String weighted = g.op("Mul", List.of(embeddings, g.op("Unsqueeze", List.of(w, two))));
        String h = g.op("ReduceSum", List.of(weighted, one), intAttr("keepdims", 0));
        String z = g.op("Gemm", List.of(h, dense, denseBias));
        String u = g.opNamed("Add", List.of(h, g.op("Relu", List.of(z))), "user_vector");
        CoVisitationInputs cov = coVisitation == null ? null : coVisitation(g, coVisitation, historyRows, zero, one,
                rows <= denseSignalMaxRows, "");
        if (cov != null && longTerm != null) {
            // The long table reads its own, longer slice of the history; its slots follow the short table's.
            String longItems = g.op("Slice", List.of(ModelContract.HISTORY_ITEMS, zero,
                    g.longs("c_long_history", new long[] {longTerm.window()}, 1), one));
            CoVisitationInputs longCov = coVisitation(g, longTerm, vocabEncoder(g, m.vocabulary, longItems, "long_history_rows"),
                    zero, one, cov.dense(), "long_");
            cov = new CoVisitationInputs(g.op("Concat", List.of(cov.rows(), longCov.rows()), intAttr("axis", 1)),
                    g.op("Concat", List.of(cov.weights(), longCov.weights()), intAttr("axis", 1)), cov.tableRows(), cov.dense(),
                    null);
        }
        if (cov != null && denseEase != null) {
            // One user vector Σ in(a) over the distinct history rows, shared by both modes: full-catalogue mode
            // multiplies it by every row of out, candidate mode by its candidates' rows only.
            String in = g.floats(DENSE_EASE_IN, denseEase.in, denseEase.rows, denseEase.rank);
            String out = g.floats(DENSE_EASE_OUT, denseEase.out, denseEase.rows, denseEase.rank);
            cov = new CoVisitationInputs(cov.rows(), cov.weights(), cov.tableRows(), cov.dense(),
                    new DenseEaseInputs(denseEaseUser(g, denseRows, in, denseEase.rows, zero, one), out));
        }

        // One If picks the mode, so each call runs only its own branch: ONNX Runtime does not skip
        // nodes whose outputs were not requested (measured, see the README), and the catalogue-wide
        // product would otherwise be paid by every candidate call.
        String candidateRows = vocabEncoder(g, m.vocabulary, ModelContract.CANDIDATES, "candidate_rows");
        String anyKnown = g.op("ReduceMax", List.of(candidateRows), intAttr("keepdims", 0));
        String fullCatalog = g.op("Equal", List.of(anyKnown, unknownRow));
        g.opMulti("If", List.of(fullCatalog), List.of(ModelContract.SCORES, ModelContract.TOP_ITEMS, ModelContract.TOP_SCORES),
                GraphBuilder.graphAttr("then_branch", fullCatalogBranch(m.vocabulary, u, candidateRows, itemOut, itemBias, masked, one, two, zero, cov)),
                GraphBuilder.graphAttr("else_branch", candidateBranch(u, candidateRows, itemOut, itemBias, masked, unknownRow, one,
                        two, zero, cov)));

        g.output(ModelContract.SCORES, DataType.FLOAT, "B", "C");
        g.output(ModelContract.TOP_ITEMS, DataType.STRING, "B", "K");
        g.output(ModelContract.TOP_SCORES, DataType.FLOAT, "B", "K");

        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("streamrec-trainer")
                .setModelVersion(ModelContract.CONTRACT_VERSION)
                .setDocString("streamrec sequence-aware recommender " + metadata.name() + " " + metadata.version())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(GraphBuilder.ML_DOMAIN).setVersion(ML_OPSET))
                .addMetadataProps(prop(ModelContract.META_VERSION, metadata.version()))
                .addMetadataProps(prop(ModelContract.META_CONTRACT, Integer.toString(ModelContract.CONTRACT_VERSION)))
                .addMetadataProps(prop(ModelContract.META_TRAINED_ON, json(metadata.trainedOn())))
                .addMetadataProps(prop(ModelContract.META_METRICS, json(metadata.metrics())))
                .addMetadataProps(prop(META_ARCHITECTURE, coVisitation == null ? "pooling" : "hybrid"))
                .setGraph(g.build())
                .build();
    }

    /**
     * Full-catalog mode: every row scored by one Gemm, excluded rows and row 0 at the masked score,
     * top-k in the graph, rows decoded back to ids. {@code scores} is all masked (no known candidate).
     */
    static ai.onnx.proto.OnnxMl.GraphProto fullCatalogBranch(Vocabulary vocabulary, String u, String candidateRows,
                                                                    String itemOut, String itemBias, String masked,
                                                                    String one, String two, String zero) {
        return fullCatalogBranch(vocabulary, u, candidateRows, itemOut, itemBias, masked, one, two, zero, null);
    }

    static ai.onnx.proto.OnnxMl.GraphProto fullCatalogBranch(Vocabulary vocabulary, String u, String candidateRows,
                                                                    String itemOut, String itemBias, String masked,
                                                                    String one, String two, String zero,
                                                                    CoVisitationInputs cov) {
        GraphBuilder g = new GraphBuilder("full_catalog", "full_");
        String all = g.op("Gemm", List.of(u, itemOut, itemBias), intAttr("transB", 1));
        if (cov != null) {
            // c(i) for every row: the neighbours' weights added into a zero [B, rows] matrix.
            String zeros = g.op("ConstantOfShape", List.of(g.op("Shape", List.of(all))),
                    tensorAttr("value", GraphBuilder.scalarTensor(DataType.FLOAT, 0f, 0, false)));
            String signal = g.op("ScatterElements", List.of(zeros, cov.rows(), cov.weights()), intAttr("axis", 1),
                    stringAttr("reduction", "add"));
            all = g.op("Add", List.of(all, signal));
            if (cov.denseEase() != null) {
                all = g.op("Add", List.of(all, g.op("Gemm", List.of(cov.denseEase().user(), cov.denseEase().out()),
                        intAttr("transB", 1))));
            }
        }
        String excludeRows = vocabEncoder(g, vocabulary, ModelContract.EXCLUDE, "exclude_rows");
        String flags = g.op("Expand", List.of(g.op("Constant", List.of(),
                tensorAttr("value", GraphBuilder.scalarTensor(DataType.BOOL, 0, 0, true))), g.op("Shape", List.of(excludeRows))));
        String allShape = g.op("Shape", List.of(all));
        String none = g.op("ConstantOfShape", List.of(allShape),
                tensorAttr("value", GraphBuilder.scalarTensor(DataType.BOOL, 0, 0, false)));
        String mask = g.op("ScatterElements", List.of(none, excludeRows, flags), intAttr("axis", 1));
        String maskedAll = g.op("Where", List.of(mask, masked, all));
        String k = g.op("Min", List.of(ModelContract.K, g.op("Slice", List.of(allShape, one, two, zero))));
        String topScores = "full_top_scores";
        String topRows = "full_top_rows";
        g.opMulti("TopK", List.of(maskedAll, k), List.of(topScores, topRows),
                intAttr("axis", 1), intAttr("largest", 1), intAttr("sorted", 1));
        String topItems = g.opIn(GraphBuilder.ML_DOMAIN, "LabelEncoder", List.of(topRows), "full_top_items",
                intsAttr("keys_int64s", LongStream.rangeClosed(1, vocabulary.size()).toArray()),
                stringsAttr("values_strings", vocabulary.ids()),
                stringAttr("default_string", ModelContract.PAD_ITEM));
        String scores = g.op("Expand", List.of(masked, g.op("Shape", List.of(candidateRows))));
        g.output(scores, DataType.FLOAT, "B", "C");
        g.output(topItems, DataType.STRING, "B", "K");
        g.output(topScores, DataType.FLOAT, "B", "K");
        return g.build();
    }

    /**
     * Candidate mode: gathers only the candidates' rows; unknown candidates at the masked score.
     * The top-k outputs are empty [B, 0] tensors.
     */
    static ai.onnx.proto.OnnxMl.GraphProto candidateBranch(String u, String candidateRows, String itemOut,
                                                                  String itemBias, String masked, String unknownRow,
                                                                  String one, String two, String zero) {
        return candidateBranch(u, candidateRows, itemOut, itemBias, masked, unknownRow, one, two, zero, null);
    }

    static ai.onnx.proto.OnnxMl.GraphProto candidateBranch(String u, String candidateRows, String itemOut,
                                                                  String itemBias, String masked, String unknownRow,
                                                                  String one, String two, String zero,
                                                                  CoVisitationInputs cov) {
        GraphBuilder g = new GraphBuilder("candidates", "cand_");
        String candidateOut = g.op("Gather", List.of(itemOut, candidateRows), intAttr("axis", 0));
        String candidateBias = g.op("Gather", List.of(itemBias, candidateRows), intAttr("axis", 0));
        String dot = g.op("Squeeze", List.of(g.op("MatMul", List.of(candidateOut, g.op("Unsqueeze", List.of(u, two)))), two));
        String raw = g.op("Add", List.of(dot, candidateBias));
        if (cov != null && cov.dense()) {
            // c(i) for every row as in full-catalogue mode, then the candidates' columns.
            String batch = g.op("Slice", List.of(g.op("Shape", List.of(candidateRows)), zero, one, zero));
            String zeros = g.op("ConstantOfShape", List.of(g.op("Concat", List.of(batch, cov.tableRows()), intAttr("axis", 0))),
                    tensorAttr("value", GraphBuilder.scalarTensor(DataType.FLOAT, 0f, 0, false)));
            String signal = g.op("ScatterElements", List.of(zeros, cov.rows(), cov.weights()), intAttr("axis", 1),
                    stringAttr("reduction", "add"));
            raw = g.op("Add", List.of(raw, g.op("GatherElements", List.of(signal, candidateRows), intAttr("axis", 1))));
        } else if (cov != null) {
            // c(candidate) = Σ over the W·M neighbour slots equal to the candidate: [B, C, WM] x [B, WM, 1],
            // independent of the catalogue size (no [B, rows] matrix).
            String same = g.op("Equal", List.of(g.op("Unsqueeze", List.of(candidateRows, two)),
                    g.op("Unsqueeze", List.of(cov.rows(), one))));
            String hits = g.op("Cast", List.of(same), intAttr("to", DataType.FLOAT.getNumber()));
            String signal = g.op("Squeeze", List.of(g.op("MatMul", List.of(hits,
                    g.op("Unsqueeze", List.of(cov.weights(), two)))), two));
            raw = g.op("Add", List.of(raw, signal));
        }
        if (cov != null && cov.denseEase() != null) {
            String out = g.op("Gather", List.of(cov.denseEase().out(), candidateRows), intAttr("axis", 0));
            raw = g.op("Add", List.of(raw, g.op("Squeeze", List.of(g.op("MatMul", List.of(out,
                    g.op("Unsqueeze", List.of(cov.denseEase().user(), two)))), two))));
        }
        String unknown = g.op("Equal", List.of(candidateRows, unknownRow));
        String scores = g.op("Where", List.of(unknown, masked, raw));
        // Empty [B, 0] results: a zero-width slice of existing tensors keeps the types right.
        String noItems = g.op("Slice", List.of(ModelContract.CANDIDATES, zero, zero, one));
        String noScores = g.op("Slice", List.of(scores, zero, zero, one));
        g.output(scores, DataType.FLOAT, "B", "C");
        g.output(noItems, DataType.STRING, "B", "K");
        g.output(noScores, DataType.FLOAT, "B", "K");
        return g.build();
    }

    /**
     * The hybrid's neighbour slots of one batch, flattened: {@code rows} int64 [B, W·M] (vocabulary rows,
     * 0 in unused slots) and {@code weights} float [B, W·M] ({@code scale · decay^j · w(item_j, row)}); and
     * {@code denseEase}, the dense EASE term's inputs, or null when the graph has none.
     */
    record CoVisitationInputs(String rows, String weights, String tableRows, boolean dense, DenseEaseInputs denseEase) {
    }

    /**
     * The dense EASE term's inputs, outer-graph values both branches read: {@code user} float [B, rank] (Σ in(a) over
     * the distinct rows of the term's reading) and {@code out} float [rows, rank] (row 0 zero).
     */
    record DenseEaseInputs(String user, String out) {
    }

    /**
     * The dense EASE term's user vector, [B, rank]: a multi-hot of the history rows times {@code in} ([B, V+1] x [V+1,
     * rank]). The multi-hot is 1 at every row the history holds (a repeated item counts once, as in EASE's binary
     * matrix; the scatter writes the same 1 for every duplicate), and at row 0, always appended so that an empty
     * history scatters something; row 0 of {@code in} is zero. (Gathering the distinct rows of {@code in} and summing
     * them instead measured about the same at 50 and 100 events and 1.3x slower at 200: trainer README, "The dense EASE
     * term, factored".)
     */
    static String denseEaseUser(GraphBuilder g, String historyRows, String in, long rows, String zero, String one) {
        String batch = g.op("Slice", List.of(g.op("Shape", List.of(historyRows)), zero, one, zero));
        String padding = g.op("ConstantOfShape", List.of(g.op("Concat", List.of(batch, one), intAttr("axis", 0))),
                tensorAttr("value", GraphBuilder.scalarTensor(DataType.INT64, 0f, 0L, false)));
        String indices = g.op("Concat", List.of(historyRows, padding), intAttr("axis", 1));
        String zeros = g.op("ConstantOfShape", List.of(g.op("Concat", List.of(batch,
                g.longs("c_dense_ease_rows", new long[] {rows}, 1)), intAttr("axis", 0))),
                tensorAttr("value", GraphBuilder.scalarTensor(DataType.FLOAT, 0f, 0, false)));
        String ones = g.op("ConstantOfShape", List.of(g.op("Shape", List.of(indices))),
                tensorAttr("value", GraphBuilder.scalarTensor(DataType.FLOAT, 1f, 0, false)));
        String multiHot = g.op("ScatterElements", List.of(zeros, indices, ones), intAttr("axis", 1));
        return g.opNamed("MatMul", List.of(multiHot, in), "dense_ease_user");
    }

    static final String COV_ROWS = "cooccurrence_rows";
    static final String COV_WEIGHTS = "cooccurrence_weights";
    static final String COV_POSITION = "cooccurrence_position_weight";

    /**
     * The first W history rows (padded with row 0, which has no neighbours, when the history is
     * shorter), their neighbour rows and weights times the position weight.
     */
    static CoVisitationInputs coVisitation(GraphBuilder g, CoVisitation c, String historyRows, String zero, String one,
                                           boolean dense, String prefix) {
        int window = c.window();
        int m = c.neighbours;
        long[] rows = new long[c.rows.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = c.rows[i];
        }
        String tableRows = g.longs(prefix + COV_ROWS, rows, c.tableRows(), m);
        String tableWeights = g.floats(prefix + COV_WEIGHTS, c.weights, c.tableRows(), m);
        String position = g.floats(prefix + COV_POSITION, c.positionWeight, 1, window, 1);
        String batch = g.op("Slice", List.of(g.op("Shape", List.of(historyRows)), zero, one, zero));
        String padShape = g.op("Concat", List.of(batch, g.longs(prefix + "c_cov_window", new long[] {window}, 1)), intAttr("axis", 0));
        String pad = g.op("ConstantOfShape", List.of(padShape),
                tensorAttr("value", GraphBuilder.scalarTensor(DataType.INT64, 0f, 0L, false)));
        String windowRows = g.op("Slice", List.of(g.op("Concat", List.of(historyRows, pad), intAttr("axis", 1)), zero,
                g.longs(prefix + "c_cov_window_end", new long[] {window}, 1), one));
        String flat = g.longs(prefix + "c_cov_flat", new long[] {0, (long) window * m}, 2);
        String nRows = g.op("Reshape", List.of(g.op("Gather", List.of(tableRows, windowRows), intAttr("axis", 0)), flat));
        String nWeights = g.op("Reshape", List.of(g.op("Mul", List.of(
                g.op("Gather", List.of(tableWeights, windowRows), intAttr("axis", 0)), position)), flat));
        return new CoVisitationInputs(nRows, nWeights, g.longs(prefix + "c_cov_table_rows", new long[] {c.tableRows()}, 1), dense,
                null);
    }

    /** String ids to vocabulary rows; unknown ids and padding to row 0. */
    static String vocabEncoder(GraphBuilder g, Vocabulary vocabulary, String input, String output) {
        return g.opIn(GraphBuilder.ML_DOMAIN, "LabelEncoder", List.of(input), output,
                stringsAttr("keys_strings", vocabulary.ids()),
                intsAttr("values_int64s", LongStream.rangeClosed(1, vocabulary.size()).toArray()),
                intAttr("default_int64", 0));
    }

    static StringStringEntryProto prop(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise metadata " + o, e);
        }
    }
}
