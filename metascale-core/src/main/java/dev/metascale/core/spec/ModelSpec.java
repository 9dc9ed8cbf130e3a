package dev.metascale.core.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The backbone. {@code arch} names it (see {@link Catalog#MODELS}); {@code size} is a preset name
 * where the architecture has presets; {@code hidden} the hidden widths of an MLP; {@code channels}
 * the filters per convolution block of Conv-4; {@code frozenLayers} the lower Transformer layers of
 * {@code minilm} held constant (with its embeddings; 0 = everything is trained). {@code frozenLayers}
 * is written to JSON only when non-zero, so trials of other models keep their identity.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelSpec(String arch, String size, List<Integer> hidden, int channels,
                        @JsonInclude(JsonInclude.Include.NON_DEFAULT) int frozenLayers) {

    public ModelSpec {
        hidden = hidden == null ? List.of() : List.copyOf(hidden);
    }

    public ModelSpec(String arch, String size, List<Integer> hidden, int channels) {
        this(arch, size, hidden, channels, 0);
    }

    public String label() {
        return switch (arch) {
            case "mlp" -> "mlp" + hidden.stream().map(String::valueOf).collect(Collectors.joining("-", "[", "]"));
            case "conv4" -> channels == 64 ? "conv4" : "conv4-" + channels;
            case "minilm" -> frozenLayers == 0 ? "minilm" : "minilm-frozen" + frozenLayers;
            default -> size == null || size.isEmpty() ? arch : arch + "-" + size;
        };
    }
}
