package dev.metascale.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The hardware and software of a record's {@code env}, as named, readable facts in a fixed order. */
final class EnvironmentFacts {
    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("cpu_model", "CPU");
        NAMES.put("cpu_sockets", "CPU sockets");
        NAMES.put("cpu_cores", "CPU cores (physical)");
        NAMES.put("cpu_threads", "CPU threads (logical)");
        NAMES.put("memory_bytes", "Memory");
        NAMES.put("gpus", "GPUs");
        NAMES.put("cuda_available", "CUDA available");
        NAMES.put("interconnect", "Interconnect");
        NAMES.put("os", "OS");
        NAMES.put("kernel", "Kernel");
        NAMES.put("jvm", "JVM");
        NAMES.put("java_args", "JVM arguments");
        NAMES.put("libtorch_version", "libtorch");
        NAMES.put("javacpp_version", "JavaCPP");
        NAMES.put("torch_threads", "torch threads");
        NAMES.put("torch_interop_threads", "torch inter-op threads");
        NAMES.put("openblas_threads", "OpenBLAS threads");
        NAMES.put("malloc_env", "malloc environment");
        NAMES.put("metascale_version", "metascale");
        NAMES.put("git_revision", "git revision");
        NAMES.put("hostname", "Host");
    }

    private EnvironmentFacts() {
    }

    /** Name → value, known keys first in a fixed order, then any others as recorded; absent known keys show "—". */
    static List<Map.Entry<String, String>> of(ObjectNode env) {
        List<Map.Entry<String, String>> facts = new ArrayList<>();
        for (Map.Entry<String, String> known : NAMES.entrySet()) {
            facts.add(Map.entry(known.getValue(), value(env, known.getKey())));
        }
        Iterator<String> names = env.fieldNames();
        while (names.hasNext()) {
            String key = names.next();
            if (!NAMES.containsKey(key) && !"git_dirty".equals(key)) {
                facts.add(Map.entry(key, text(env.get(key))));
            }
        }
        return facts;
    }

    private static String value(ObjectNode env, String key) {
        JsonNode node = env.get(key);
        return switch (key) {
            case "memory_bytes" -> node == null || !node.isNumber() ? DisplayFormat.ABSENT : DisplayFormat.gib(node.asDouble());
            case "gpus" -> node == null || node.isNull() ? DisplayFormat.ABSENT : node.isEmpty() ? "none" : text(node);
            case "interconnect" -> node == null || node.isNull() ? "none (single node)" : text(node);
            case "malloc_env" -> malloc(node);
            case "git_revision" -> node == null || node.isNull() ? DisplayFormat.ABSENT
                    : node.asText() + (env.path("git_dirty").asBoolean(false) ? " (with uncommitted changes)" : "");
            default -> text(node);
        };
    }

    private static String malloc(JsonNode node) {
        if (node == null || node.isNull()) {
            return DisplayFormat.ABSENT;
        }
        if (node.isObject()) {
            if (node.isEmpty()) {
                return "none set";
            }
            List<String> pairs = new ArrayList<>();
            node.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
            return String.join(" ", pairs);
        }
        return text(node);
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return DisplayFormat.ABSENT;
        }
        if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
            return String.join(", ", items);
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
