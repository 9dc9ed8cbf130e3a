package dev.metascale.engine.model.bert;

import java.util.List;

/** One ONNX {@code NodeProto}: its operator type and the names of the values it reads and writes. */
public record OnnxNode(String opType, List<String> inputs, List<String> outputs) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
