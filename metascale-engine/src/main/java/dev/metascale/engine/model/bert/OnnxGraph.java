package dev.metascale.engine.model.bert;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model that a re-implementation needs: the graph's nodes, its initializers
 * (the weights) by name, and the names of its inputs and outputs.
 *
 * <p>Read with protobuf's {@link CodedInputStream} against the field numbers of ONNX's public
 * schema ({@code onnx/onnx.proto}), so no generated code is needed:
 * {@code ModelProto.graph = 7}; {@code GraphProto.node = 1, initializer = 5, input = 11, output = 12};
 * {@code NodeProto.input = 1, output = 2, op_type = 4}; {@code ValueInfoProto.name = 1};
 * {@code TensorProto.dims = 1, data_type = 2, float_data = 4, int32_data = 5, int64_data = 7,
 * name = 8, raw_data = 9, data_location = 14}. Unknown fields are skipped. Tensors whose data lives
 * in an external file are refused.
 */
public record OnnxGraph(List<OnnxNode> nodes, Map<String, OnnxTensor> initializers,
                        List<String> inputs, List<String> outputs) {

    private static final int MODEL_GRAPH = 7;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_OP_TYPE = 4;
    private static final int VALUE_INFO_NAME = 1;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT32_DATA = 5;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DATA_LOCATION = 14;

    public OnnxGraph {
        nodes = List.copyOf(nodes);
        initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Total number of values over all initializers. */
    public long initializerValues() {
        long n = 0;
        for (OnnxTensor t : initializers.values()) {
            n += t.numel();
        }
        return n;
    }

    /** The nodes that read {@code value} as one of their inputs, in graph order. */
    public List<OnnxNode> consumers(String value) {
        List<OnnxNode> out = new ArrayList<>();
        for (OnnxNode n : nodes) {
            if (n.inputs().contains(value)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Reads a whole serialized {@code ModelProto}. */
    public static OnnxGraph read(InputStream in) throws IOException {
        return read(in.readAllBytes());
    }

    /** Parses a serialized {@code ModelProto}. */
    public static OnnxGraph read(byte[] model) throws IOException {
        CodedInputStream s = CodedInputStream.newInstance(model);
        s.setSizeLimit(Integer.MAX_VALUE);
        OnnxGraph graph = null;
        for (int tag = s.readTag(); tag != 0; tag = s.readTag()) {
            if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH) {
                int limit = s.pushLimit(s.readRawVarint32());
                graph = readGraph(s);
                s.popLimit(limit);
            } else {
                s.skipField(tag);
            }
        }
        if (graph == null) {
            throw new IOException("the ONNX ModelProto has no graph (field 7); is this an ONNX model file?");
        }
        return graph;
    }

    private static OnnxGraph readGraph(CodedInputStream s) throws IOException {
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (!s.isAtEnd()) {
            int tag = s.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case GRAPH_NODE -> nodes.add(message(s, OnnxGraph::readNode));
                case GRAPH_INITIALIZER -> {
                    OnnxTensor t = message(s, OnnxGraph::readTensor);
                    if (initializers.put(t.name(), t) != null) {
                        throw new IOException("duplicate initializer name '" + t.name() + "' in the ONNX graph");
                    }
                }
                case GRAPH_INPUT -> inputs.add(message(s, OnnxGraph::readValueInfoName));
                case GRAPH_OUTPUT -> outputs.add(message(s, OnnxGraph::readValueInfoName));
                default -> s.skipField(tag);
            }
        }
        return new OnnxGraph(nodes, initializers, inputs, outputs);
    }

    private interface MessageReader<T> {
        T read(CodedInputStream s) throws IOException;
    }

    private static <T> T message(CodedInputStream s, MessageReader<T> reader) throws IOException {
        int limit = s.pushLimit(s.readRawVarint32());
        T value = reader.read(s);
        s.popLimit(limit);
        return value;
    }

    private static OnnxNode readNode(CodedInputStream s) throws IOException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String op = "";
        while (!s.isAtEnd()) {
            int tag = s.readTag();
            switch (WireFormat.getTagFieldNumber(tag)) {
                case NODE_INPUT -> in.add(s.readStringRequireUtf8());
                case NODE_OUTPUT -> out.add(s.readStringRequireUtf8());
                case NODE_OP_TYPE -> op = s.readStringRequireUtf8();
                default -> s.skipField(tag);
            }
        }
        return new OnnxNode(op, in, out);
    }

    private static String readValueInfoName(CodedInputStream s) throws IOException {
        String name = "";
        while (!s.isAtEnd()) {
            int tag = s.readTag();
            if (WireFormat.getTagFieldNumber(tag) == VALUE_INFO_NAME) {
                name = s.readStringRequireUtf8();
            } else {
                s.skipField(tag);
            }
        }
        return name;
    }

    private static OnnxTensor readTensor(CodedInputStream s) throws IOException {
        List<Long> dims = new ArrayList<>();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        ByteArrayOutputStream typed = new ByteArrayOutputStream();
        while (!s.isAtEnd()) {
            int tag = s.readTag();
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case TENSOR_DIMS -> readRepeated(s, packed, () -> dims.add(s.readInt64()));
                case TENSOR_DATA_TYPE -> dataType = s.readInt32();
                case TENSOR_NAME -> name = s.readStringRequireUtf8();
                case TENSOR_RAW_DATA -> raw = s.readByteArray();
                case TENSOR_FLOAT_DATA -> readRepeated(s, packed,
                        () -> writeLittleEndian(typed, Float.floatToRawIntBits(s.readFloat()), 4));
                case TENSOR_INT32_DATA -> readRepeated(s, packed, () -> writeLittleEndian(typed, s.readInt32(), 4));
                case TENSOR_INT64_DATA -> readRepeated(s, packed, () -> writeLittleEndian(typed, s.readInt64(), 8));
                case TENSOR_DATA_LOCATION -> {
                    if (s.readEnum() == 1) {
                        throw new IOException("initializer '" + name + "' stores its data in an external file;"
                                + " load a self-contained ONNX file (saved with all tensors inline)");
                    }
                }
                default -> s.skipField(tag);
            }
        }
        long[] d = dims.stream().mapToLong(Long::longValue).toArray();
        return new OnnxTensor(name, d, dataType, raw != null ? raw : typed.toByteArray());
    }

    private static void writeLittleEndian(ByteArrayOutputStream out, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void readRepeated(CodedInputStream s, boolean packed, IoAction readOne) throws IOException {
        if (packed) {
            int limit = s.pushLimit(s.readRawVarint32());
            while (s.getBytesUntilLimit() > 0) {
                readOne.run();
            }
            s.popLimit(limit);
        } else {
            readOne.run();
        }
    }
}
