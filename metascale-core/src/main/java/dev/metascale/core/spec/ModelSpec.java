package dev.metascale.core.spec;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The backbone. {@code arch} names it (see {@link Catalog#MODELS}); {@code size} is a preset name
 * where the architecture has presets; {@code hidden} the hidden widths of an MLP; {@code channels}
 * the filters per convolution block of Conv-4.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelSpec(String arch, String size, List<Integer> hidden, int channels) {

    public ModelSpec {
        hidden = hidden == null ? List.of() : List.copyOf(hidden);
    }

    public String label() {
        return switch (arch) {
            case "mlp" -> "mlp" + hidden.stream().map(String::valueOf).collect(Collectors.joining("-", "[", "]"));
            case "conv4" -> channels == 64 ? "conv4" : "conv4-" + channels;
            default -> size == null || size.isEmpty() ? arch : arch + "-" + size;
        };
    }
}
