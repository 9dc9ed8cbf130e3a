package dev.metascale.engine.model;

import dev.metascale.core.component.Components;
import dev.metascale.core.component.ModelDescriptor;
import dev.metascale.core.spec.ModelSpec;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.core.component.Modality;

import java.util.List;

/**
 * Builds the model a {@link ModelSpec} names, for the examples of a data set: the engine's binding of each
 * {@link ModelDescriptor} (one model per modality that is not an image, one case per image model).
 */
public final class Models {
    private Models() {
    }

    /**
     * The model for {@code data}'s examples.
     *
     * @throws IllegalArgumentException when the model cannot read the data set's {@link Modality}
     */
    public static Model create(ModelSpec spec, FewShotDataset data) {
        Modality modality = data.modality();
        ModelDescriptor descriptor = Components.model(spec.arch()).orElseThrow(() -> new IllegalArgumentException("model '"
                + spec.arch() + "' is not available in this version (see `metascale list`)"));
        if (descriptor.reads() != modality) {
            List<String> readers = Components.modelsReading(modality);
            throw new IllegalArgumentException("model '" + spec.arch() + "' reads " + reads(descriptor.reads()) + ", but data set '"
                    + data.name() + "' holds " + modality.name().toLowerCase().replace('_', ' ') + "; use " + (readers.isEmpty() ? "a model for that data"
                    : "model.arch " + String.join(" or ", readers)) + " (see `metascale list`)");
        }
        return switch (spec.arch()) {
            // A window holds T + 1 characters: T inputs, T next-character targets.
            case "char-lm" -> CharLm.preset(spec.size(), data.vocabularySize(), data.width() - 1);
            case "minilm" -> new dev.metascale.engine.model.bert.PretrainedMiniLm(spec.frozenLayers());
            default -> create(spec, data.height(), data.width());
        };
    }

    /** What a model reading {@code modality} reads, in words. */
    private static String reads(Modality modality) {
        return switch (modality) {
            case IMAGE -> "images";
            case TOKENS -> "token sequences";
            case CHARACTER_WINDOWS -> "character windows (it is a language model)";
        };
    }

    /** An image model for single-channel images of {@code height x width}. */
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
