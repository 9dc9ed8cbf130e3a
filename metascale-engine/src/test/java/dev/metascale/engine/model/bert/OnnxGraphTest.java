package dev.metascale.engine.model.bert;

import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ONNX reader on hand-made ModelProtos: every encoding of tensor data ONNX allows for our types. */
class OnnxGraphTest {

    @Test
    void readsNodesInitializersInputsAndOutputsSkippingUnknownFields() throws IOException {
        byte[] rawWeight = littleEndianFloats(1f, 2f, 3f, 4f, 5f, 6f);
        byte[] graph = concat(
                field(1, node("MatMul", List.of("x", "onnx::MatMul_1"), List.of("mm"))),
                field(1, node("Add", List.of("lin.bias", "mm"), List.of("y"))),
                field(5, tensor("onnx::MatMul_1", new long[]{2, 3}, 1, w -> w.writeByteArray(9, rawWeight))),
                field(5, tensor("lin.bias", new long[]{3}, 1, w -> {
                    // packed float_data, the form an exporter uses when it does not write raw_data
                    w.writeTag(4, 2);
                    w.writeUInt32NoTag(12);
                    w.writeFloatNoTag(0.5f);
                    w.writeFloatNoTag(-1f);
                    w.writeFloatNoTag(2f);
                })),
                field(5, tensor("ids", new long[]{2}, 7, w -> {
                    w.writeInt64(7, 5);  // unpacked int64_data
                    w.writeInt64(7, -3);
                })),
                field(11, valueInfo("x")),
                field(12, valueInfo("y")),
                bytes(w -> w.writeString(2, "graph name")));
        byte[] model = concat(bytes(w -> w.writeInt64(1, 8)), bytes(w -> w.writeString(2, "producer")), field(7, graph));

        OnnxGraph g = OnnxGraph.read(model);

        assertEquals(List.of("x"), g.inputs());
        assertEquals(List.of("y"), g.outputs());
        assertEquals(2, g.nodes().size());
        assertEquals(new OnnxNode("MatMul", List.of("x", "onnx::MatMul_1"), List.of("mm")), g.nodes().get(0));
        assertEquals(List.of("onnx::MatMul_1", "lin.bias", "ids"), List.copyOf(g.initializers().keySet()));
        assertArrayEquals(new long[]{2, 3}, g.initializers().get("onnx::MatMul_1").dims());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, g.initializers().get("onnx::MatMul_1").floats());
        assertArrayEquals(new float[]{0.5f, -1f, 2f}, g.initializers().get("lin.bias").floats());
        assertArrayEquals(new long[]{5, -3}, g.initializers().get("ids").longs());
        assertEquals(6 + 3 + 2, g.initializerValues());
        assertEquals(List.of(g.nodes().get(1)), g.consumers("mm"));

        // The anonymous weight takes its bias's name and PyTorch's [out, in] layout.
        OnnxTensor named = BertWeights.resolveNames(g).get("lin.weight");
        assertArrayEquals(new long[]{3, 2}, named.dims());
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, named.floats());
    }

    @Test
    void refusesExternalDataAndFilesWithoutGraph() throws IOException {
        byte[] external = field(7, field(5, tensor("w", new long[]{2}, 1, w -> w.writeEnum(14, 1))));
        IOException e = assertThrows(IOException.class, () -> OnnxGraph.read(external));
        assertTrue(e.getMessage().contains("external"), e.getMessage());
        assertThrows(IOException.class, () -> OnnxGraph.read(bytes(w -> w.writeString(2, "no graph"))));
    }

    @Test
    void wrongSizeOrTypeIsReportedWithTheTensorName() throws IOException {
        OnnxTensor shortData = new OnnxTensor("w", new long[]{3}, OnnxTensor.FLOAT, new byte[8]);
        assertTrue(assertThrows(IllegalStateException.class, shortData::floats).getMessage().contains("'w'"));
        assertThrows(IllegalStateException.class, shortData::longs);
    }

    // --- protobuf writing helpers -------------------------------------------------------------

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writer writer) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(buffer);
        writer.write(out);
        out.flush();
        return buffer.toByteArray();
    }

    private static byte[] field(int number, byte[] message) throws IOException {
        return bytes(w -> w.writeByteArray(number, message));
    }

    private static byte[] node(String op, List<String> in, List<String> out) throws IOException {
        return bytes(w -> {
            for (String s : in) {
                w.writeString(1, s);
            }
            for (String s : out) {
                w.writeString(2, s);
            }
            w.writeString(3, "node name");
            w.writeString(4, op);
        });
    }

    private static byte[] valueInfo(String name) throws IOException {
        return bytes(w -> w.writeString(1, name));
    }

    private static byte[] tensor(String name, long[] dims, int type, Writer data) throws IOException {
        return bytes(w -> {
            w.writeTag(1, 2); // packed dims
            int size = 0;
            for (long d : dims) {
                size += CodedOutputStream.computeInt64SizeNoTag(d);
            }
            w.writeUInt32NoTag(size);
            for (long d : dims) {
                w.writeInt64NoTag(d);
            }
            w.writeInt32(2, type);
            w.writeString(8, name);
            data.write(w);
        });
    }

    private static byte[] littleEndianFloats(float... values) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
