package dev.metascale.engine.model;

import dev.metascale.core.spec.ModelSpec;

/** Builds the model a {@link ModelSpec} names, for single-channel images of the given size. */
public final class Models {
    private Models() {
    }

    public static Model create(ModelSpec spec, int height, int width) {
        return switch (spec.arch()) {
            case "conv4" -> new Conv4(1, spec.channels(), height, width);
            case "mlp" -> new Mlp(height * width, spec.hidden());
            case "resnet12" -> ResNet12.preset(spec.size(), height, width);
            case "vit" -> Vit.preset(spec.size(), height, width);
            default -> throw new IllegalArgumentException("model '" + spec.arch()
                    + "' is not available in this version; available: conv4, mlp, resnet12, vit (see `metascale list`)");
        };
    }
}
