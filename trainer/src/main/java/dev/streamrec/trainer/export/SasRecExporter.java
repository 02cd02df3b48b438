package dev.streamrec.trainer.export;

import static dev.streamrec.trainer.export.GraphBuilder.floatAttr;
import static dev.streamrec.trainer.export.GraphBuilder.intAttr;
import static dev.streamrec.trainer.export.GraphBuilder.intsAttr;
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

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import dev.streamrec.model.ModelContract;
import dev.streamrec.trainer.seq.SasRecModel;

/**
 * Writes a {@link SasRecModel} as one ONNX graph implementing the same {@link ModelContract} as the
 * pooling model (same inputs, outputs, vocabulary handling, {@code If}-selected modes; the mode
 * branches are {@link OnnxExporter}'s, fed with the tied item table as output embeddings).
 *
 * <pre>
 * history_items --LabelEncoder(vocab)-- rows ---Concat(one padding column)--Slice[:maxLen]-- rows'
 *               --LabelEncoder(""->0, else 1)-- valid --Concat(0)--Slice-- valid'
 * history_types --Concat(0)--Slice--Clip-- types'
 * x = Gather(item, rows') + position[:L'] + Gather(type, types')
 * mask[b, j, j'] = j' >= j and (valid'[b, j'] or j' == j)  -> 0 / -1e9
 * per block: x += MatMul(Softmax(q k^T / sqrt(d) + mask), v) Wo + bo, q|k|v = LayerNorm(x) W + b
 *            x += Relu(LayerNorm(x) W1 + b1) W2 + b2
 * u = LayerNorm(x)[:, 0, :]                     the latest event's column (the last block computes only it)
 * If(no known candidate) full catalogue: u item^T + bias, masked, TopK   else candidates: gathered rows
 * </pre>
 * The history arrives most recent first, which is the order the model works in (see
 * {@link SasRecModel}), so nothing is reversed. The extra padding column makes an empty history
 * ({@code [B, 0]}) a single padding column, exactly as {@link SasRecModel#encode} treats it; a
 * padding column only attends to itself, so any amount of padding leaves real columns unchanged.
 * {@code history_ages} is accepted and unused (this model has no time-gap feature).
 */
public final class SasRecExporter {

    private SasRecExporter() {
    }

    public static void write(SasRecModel model, OnnxExporter.Metadata metadata, Path file) {
        ModelProto proto = build(model, metadata);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
                proto.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write ONNX model " + file, e);
        }
    }

    static ModelProto build(SasRecModel m, OnnxExporter.Metadata metadata) {
        int d = m.dim;
        int len = m.maxLen;
        GraphBuilder g = new GraphBuilder("streamrec_sasrec", "");
        g.input(ModelContract.HISTORY_ITEMS, DataType.STRING, "B", "L");
        g.input(ModelContract.HISTORY_TYPES, DataType.INT64, "B", "L");
        g.input(ModelContract.HISTORY_AGES, DataType.FLOAT, "B", "L");
        g.input(ModelContract.CANDIDATES, DataType.STRING, "B", "C");
        g.input(ModelContract.EXCLUDE, DataType.STRING, "B", "E");
        g.input(ModelContract.K, DataType.INT64, "1");

        Map<String, long[]> shapes = m.shapes();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            float[] values = m.p(e.getKey());
            if (e.getKey().equals("item_bias")) {
                values = values.clone();
                values[0] = ModelContract.UNKNOWN_ITEM_SCORE; // column 0 never outranks a real item
            }
            g.floats(e.getKey(), values, e.getValue());
        }
        String zero = g.longs("c_zero", new long[] {0}, 1);
        String one = g.longs("c_one", new long[] {1}, 1);
        String two = g.longs("c_two", new long[] {2}, 1);
        String axes01 = g.longs("c_axes01", new long[] {0, 1}, 2);
        String zeros2 = g.longs("c_zeros2", new long[] {0, 0}, 2);
        String maxLen = g.longs("c_max_len", new long[] {len}, 1);
        String column0 = g.longs("c_column0", new long[] {0});
        String typeMin = g.longs("c_type_min", new long[] {0});
        String typeMax = g.longs("c_type_max", new long[] {ModelContract.TYPE_CODES - 1});
        String masked = g.scalarFloat("c_masked_score", ModelContract.UNKNOWN_ITEM_SCORE);
        String attentionMasked = g.scalarFloat("c_attention_masked", SasRecModel.MASKED);
        String attentionOpen = g.scalarFloat("c_attention_open", 0f);
        String scale = g.scalarFloat("c_scale", (float) (1.0 / Math.sqrt(d)));
        String unknownRow = g.longs("c_unknown_row", new long[] {0});
        boolean[] upper = new boolean[len * len];
        boolean[] eye = new boolean[len * len];
        for (int j = 0; j < len; j++) {
            for (int jj = 0; jj < len; jj++) {
                upper[j * len + jj] = jj >= j;
                eye[j * len + jj] = jj == j;
            }
        }
        String upperT = g.bools("c_upper", upper, len, len);
        String eyeT = g.bools("c_eye", eye, len, len);

        // Rows, validity and types, with one padding column appended, cut to maxLen columns.
        String rows = OnnxExporter.vocabEncoder(g, m.vocabulary, ModelContract.HISTORY_ITEMS, OnnxExporter.HISTORY_ROWS);
        String valid = g.opIn(GraphBuilder.ML_DOMAIN, "LabelEncoder", List.of(ModelContract.HISTORY_ITEMS), "history_valid",
                stringsAttr("keys_strings", List.of(ModelContract.PAD_ITEM)), intsAttr("values_int64s", new long[] {0}),
                intAttr("default_int64", 1));
        String padShape = g.op("Concat", List.of(g.op("Slice", List.of(g.op("Shape", List.of(rows)), zero, one, zero)), one),
                intAttr("axis", 0));
        String padColumn = g.op("ConstantOfShape", List.of(padShape),
                tensorAttr("value", GraphBuilder.scalarTensor(DataType.INT64, 0, 0, false)));
        String rowsP = cut(g, g.op("Concat", List.of(rows, padColumn), intAttr("axis", 1)), zero, maxLen, one);
        String validP = cut(g, g.op("Concat", List.of(valid, padColumn), intAttr("axis", 1)), zero, maxLen, one);
        String typesP = cut(g, g.op("Concat", List.of(ModelContract.HISTORY_TYPES, padColumn), intAttr("axis", 1)), zero,
                maxLen, one);
        String length = g.op("Slice", List.of(g.op("Shape", List.of(rowsP)), one, two, zero));
        String length2 = g.op("Concat", List.of(length, length), intAttr("axis", 0));

        String x = g.op("Add", List.of(
                g.op("Add", List.of(g.op("Gather", List.of("item", rowsP), intAttr("axis", 0)),
                        g.op("Slice", List.of("position", zero, length, zero)))),
                g.op("Gather", List.of("type", g.op("Clip", List.of(typesP, typeMin, typeMax))), intAttr("axis", 0))));

        String tri = g.op("Slice", List.of(upperT, zeros2, length2, axes01));
        String diag = g.op("Slice", List.of(eyeT, zeros2, length2, axes01));
        String validKeys = g.op("Unsqueeze", List.of(g.op("Cast", List.of(validP), intAttr("to", DataType.BOOL.getNumber())), one));
        String allowed = g.op("And", List.of(tri, g.op("Or", List.of(validKeys, diag))));
        String mask = g.opNamed("Where", List.of(allowed, attentionOpen, attentionMasked), "attention_mask");

        String first = g.longs("c_first_column", new long[] {0}, 1);
        for (int b = 0; b < m.blocks; b++) {
            String p = "b" + b + ".";
            boolean last = b == m.blocks - 1;
            String a = layerNorm(g, x, p + "ln1.g", p + "ln1.b");
            // Only column 0 (the latest event) is read out, so the last block computes its query, attention row,
            // feed-forward and residual for that column alone; keys and values still cover every column.
            String queries = last ? g.op("Gather", List.of(a, first), intAttr("axis", 1)) : a;
            String rowMask = last ? g.op("Slice", List.of(mask, zero, one, one)) : mask;
            String residual = last ? g.op("Gather", List.of(x, first), intAttr("axis", 1)) : x;
            String q = linear(g, queries, p + "wq", p + "bq");
            String k = linear(g, a, p + "wk", p + "bk");
            String v = linear(g, a, p + "wv", p + "bv");
            String logits = g.op("Add", List.of(g.op("Mul", List.of(
                    g.op("MatMul", List.of(q, g.op("Transpose", List.of(k), intsAttr("perm", new long[] {0, 2, 1})))), scale)),
                    rowMask));
            String att = g.op("Softmax", List.of(logits), intAttr("axis", -1));
            x = g.op("Add", List.of(residual, linear(g, g.op("MatMul", List.of(att, v)), p + "wo", p + "bo")));
            String f = g.op("Relu", List.of(linear(g, layerNorm(g, x, p + "ln2.g", p + "ln2.b"), p + "w1", p + "b1")));
            x = g.op("Add", List.of(x, linear(g, f, p + "w2", p + "b2")));
        }
        String hidden = layerNorm(g, x, "final.g", "final.b");
        String u = g.opNamed("Gather", List.of(hidden, column0), "user_vector", intAttr("axis", 1));

        String candidateRows = OnnxExporter.vocabEncoder(g, m.vocabulary, ModelContract.CANDIDATES, "candidate_rows");
        String anyKnown = g.op("ReduceMax", List.of(candidateRows), intAttr("keepdims", 0));
        String fullCatalog = g.op("Equal", List.of(anyKnown, unknownRow));
        g.opMulti("If", List.of(fullCatalog), List.of(ModelContract.SCORES, ModelContract.TOP_ITEMS, ModelContract.TOP_SCORES),
                GraphBuilder.graphAttr("then_branch", OnnxExporter.fullCatalogBranch(m.vocabulary, u, candidateRows, "item",
                        "item_bias", masked, one, two, zero)),
                GraphBuilder.graphAttr("else_branch", OnnxExporter.candidateBranch(u, candidateRows, "item", "item_bias",
                        masked, unknownRow, one, two, zero)));

        g.output(ModelContract.SCORES, DataType.FLOAT, "B", "C");
        g.output(ModelContract.TOP_ITEMS, DataType.STRING, "B", "K");
        g.output(ModelContract.TOP_SCORES, DataType.FLOAT, "B", "K");

        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("streamrec-trainer")
                .setModelVersion(ModelContract.CONTRACT_VERSION)
                .setDocString("streamrec self-attention recommender " + metadata.name() + " " + metadata.version())
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxExporter.OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(GraphBuilder.ML_DOMAIN).setVersion(OnnxExporter.ML_OPSET))
                .addMetadataProps(OnnxExporter.prop(ModelContract.META_VERSION, metadata.version()))
                .addMetadataProps(OnnxExporter.prop(ModelContract.META_CONTRACT, Integer.toString(ModelContract.CONTRACT_VERSION)))
                .addMetadataProps(OnnxExporter.prop(ModelContract.META_TRAINED_ON, OnnxExporter.json(metadata.trainedOn())))
                .addMetadataProps(OnnxExporter.prop(ModelContract.META_METRICS, OnnxExporter.json(metadata.metrics())))
                .addMetadataProps(OnnxExporter.prop(OnnxExporter.META_ARCHITECTURE, "sasrec"))
                .setGraph(g.build())
                .build();
    }

    private static String cut(GraphBuilder g, String input, String zero, String maxLen, String one) {
        return g.op("Slice", List.of(input, zero, maxLen, one));
    }

    private static String linear(GraphBuilder g, String x, String w, String b) {
        return g.op("Add", List.of(g.op("MatMul", List.of(x, w)), b));
    }

    private static String layerNorm(GraphBuilder g, String x, String gain, String bias) {
        return g.op("LayerNormalization", List.of(x, gain, bias), intAttr("axis", -1),
                floatAttr("epsilon", SasRecModel.LN_EPSILON));
    }
}
