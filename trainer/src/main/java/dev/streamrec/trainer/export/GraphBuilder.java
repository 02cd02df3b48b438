package dev.streamrec.trainer.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

/**
 * A thin helper over the raw ONNX protobuf builders: initializers, nodes with attributes, and typed
 * graph inputs/outputs with symbolic dimensions. Large float tables are wrapped, not copied, into
 * the protobuf (one little-endian buffer per table), so a 1M x 64 table costs its own size once.
 */
final class GraphBuilder {

    static final String ML_DOMAIN = "ai.onnx.ml";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final String prefix;
    private int counter;

    /** @param prefix prefix of generated value names: subgraphs need their own, names are global to the model */
    GraphBuilder(String name, String prefix) {
        graph.setName(name);
        this.prefix = prefix;
    }

    GraphProto build() {
        return graph.build();
    }

    /** A fresh value name with a readable prefix. */
    String fresh(String prefix) {
        return this.prefix + prefix + "_" + (counter++);
    }

    String floats(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return raw(name, TensorProto.DataType.FLOAT, UnsafeByteOperations.unsafeWrap(buf), dims);
    }

    String longs(String name, long[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        return raw(name, TensorProto.DataType.INT64, UnsafeByteOperations.unsafeWrap(buf), dims);
    }

    String bools(String name, boolean[] values, long... dims) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) (values[i] ? 1 : 0);
        }
        return raw(name, TensorProto.DataType.BOOL, ByteString.copyFrom(bytes), dims);
    }

    String scalarFloat(String name, float value) {
        return floats(name, new float[] {value});
    }

    private String raw(String name, TensorProto.DataType type, ByteString data, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber()).setRawData(data);
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A node in the default domain with one output; returns the output name. */
    String op(String opType, List<String> inputs, AttributeProto... attrs) {
        return opIn("", opType, inputs, fresh(opType.toLowerCase(java.util.Locale.ROOT)), attrs);
    }

    /** A node with a chosen output name (graph outputs, or names worth reading in a dump). */
    String opNamed(String opType, List<String> inputs, String output, AttributeProto... attrs) {
        return opIn("", opType, inputs, output, attrs);
    }

    String opIn(String domain, String opType, List<String> inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(output + "_node").setDomain(domain)
                .addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return output;
    }

    /** A node with several outputs (TopK). */
    void opMulti(String opType, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(outputs.getFirst() + "_node")
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
    }

    void input(String name, TensorProto.DataType type, String... dims) {
        graph.addInput(valueInfo(name, type, dims));
    }

    void output(String name, TensorProto.DataType type, String... dims) {
        graph.addOutput(valueInfo(name, type, dims));
    }

    private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d.chars().allMatch(Character::isDigit)) {
                dim.setDimValue(Long.parseLong(d));
            } else {
                dim.setDimParam(d);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto floatAttr(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build();
    }

    static AttributeProto stringsAttr(String name, List<String> v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRINGS);
        for (String s : v) {
            a.addStrings(ByteString.copyFrom(s, StandardCharsets.UTF_8));
        }
        return a.build();
    }

    static AttributeProto tensorAttr(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(t).build();
    }

    static TensorProto scalarTensor(TensorProto.DataType type, float f, long l, boolean b) {
        TensorProto.Builder t = TensorProto.newBuilder().setDataType(type.getNumber()).addDims(1);
        switch (type) {
            case FLOAT -> t.addFloatData(f);
            case INT64 -> t.addInt64Data(l);
            case BOOL -> t.addInt32Data(b ? 1 : 0);
            default -> throw new IllegalArgumentException("unsupported scalar type " + type);
        }
        return t.build();
    }
}
