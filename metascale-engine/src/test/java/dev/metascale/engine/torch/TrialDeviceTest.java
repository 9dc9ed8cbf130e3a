package dev.metascale.engine.torch;

import dev.metascale.engine.model.CharLm;
import dev.metascale.engine.model.Conv4;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.model.ResNet12;
import dev.metascale.engine.model.Vit;
import dev.metascale.engine.model.bert.BertConfig;
import dev.metascale.engine.model.bert.BertEncoder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No engine tensor is created without the trial's device: dynamically, every model's parameters and the data bridge's
 * tensors made with the trial on libtorch's {@code meta} device (shapes without data) must be meta tensors; statically,
 * every tensor factory call of the engine's sources takes its options from {@link TrialDevice} or from a tensor that
 * already lives there. The forward passes cannot run on meta from C++ (libtorch registers no meta kernel for relu,
 * among others: Python's torch adds them), so the factories inside a forward (CharLm's causal mask, BertEncoder's
 * positions) are held by the static check.
 */
class TrialDeviceTest {

    @AfterEach
    void backToTheCpu() {
        TrialDevice.use(TrialDevice.cpu());
    }

    @Test
    void everyModelInitialisesAndComputesOnTheTrialsDevice() {
        TorchRuntime.configure(1);
        TrialDevice.use(TrialDevice.resolve("meta", 0));
        Map<Model, Tensor> inputs = new java.util.LinkedHashMap<>();
        try (PointerScope scope = new PointerScope()) {
            inputs.put(new Mlp(16, List.of(8)), ArrayTensors.floats(new float[2 * 16], 2, 1, 4, 4));
            inputs.put(new Conv4(1, 16, 16, 16), ArrayTensors.floats(new float[2 * 256], 2, 1, 16, 16));
            inputs.put(new ResNet12("tiny", 1, new int[]{16, 16, 16, 16}, 16, 16), ArrayTensors.floats(new float[2 * 256], 2, 1, 16, 16));
            inputs.put(new Vit("tiny", new Vit.Preset(16, 1, 2), 4, 16, 16), ArrayTensors.floats(new float[2 * 256], 2, 1, 16, 16));
            inputs.put(new CharLm("mini", new CharLm.Preset(8, 1, 2), 7, 6), ArrayTensors.longs(new long[2 * 6], 2, 6));
            inputs.put(new BertEncoder("tiny", new BertConfig(50, 16, 1, 4, 32, 20, 2, 1e-12), true, 8),
                    ArrayTensors.longs(new long[2 * 8], 2, 8));
            for (Map.Entry<Model, Tensor> e : inputs.entrySet()) {
                assertEquals("meta", e.getValue().device().str().getString(), "ArrayTensors places data on the trial's device");
                ParamSet params = e.getKey().init(0, e.getKey() instanceof CharLm ? 7 : 3, org.bytedeco.pytorch.global.torch.ScalarType.Float);
                for (int i = 0; i < params.size(); i++) {
                    assertEquals("meta", params.tensors().get(i).device().str().getString(),
                            e.getKey().name() + "'s " + params.names().get(i) + " is created off the trial's device");
                }
            }
        }
    }

    @Test
    void cudaOnThisBuildIsRefusedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrialDevice.resolve("cuda", 0));
        assertTrue(e.getMessage().contains("mvn -B -Pcuda") && e.getMessage().contains("device: cpu"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrialDevice.resolve("gpu0", 0));
        assertTrue(TrialDevice.cpu().peakBytes().isEmpty(), "no device peak on the CPU");
        assertTrue(TrialDevice.cpu().peakAbsentReason().contains("cpu"));
    }

    /** Factory calls; each must read its options from TrialDevice, or from a tensor's own options. */
    private static final Pattern FACTORY = Pattern.compile(
            "torch\\.(zeros|ones|randn|rand|empty|arange|full|eye|tensor|randint|randperm|linspace|from_blob)\\(|new (org\\.bytedeco\\.pytorch\\.)?TensorOptions\\(");

    /** Sources that make host tensors on purpose, each with why. */
    private static final Map<String, String> HOST_ONLY = Map.of(
            "torch/TrialDevice.java", "the options' source itself",
            "torch/ArrayTensors.java", "from_blob wraps JVM memory (host), then TrialDevice.place copies it to the device",
            "probe/KinetoProfiler.java", "the profiler's self-check on a CPU matmul",
            "technique/CheckpointOffload.java", "the offload's destination is host memory by definition");

    @Test
    void everyTensorFactoryOfTheEngineTakesTheTrialsDevice() throws IOException {
        Path root = Path.of("src/main/java/dev/metascale/engine");
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString();
                if (HOST_ONLY.containsKey(relative)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    String code = line.strip();
                    if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                        continue;
                    }
                    if (FACTORY.matcher(line).find() && !line.contains("TrialDevice.options(") && !line.contains(".options()")
                            ) {
                        offenders.add(relative + ":" + (i + 1) + ": " + code);
                    }
                }
            }
        }
        assertTrue(offenders.isEmpty(), "tensor factories without the trial's device (use TrialDevice.options(dtype), or"
                + " add the file to HOST_ONLY with why):\n" + String.join("\n", offenders));
    }
}
