package dev.metascale.engine.model;

import dev.metascale.core.spec.ModelSpec;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.core.component.Modality;

/** Builds the model a {@link ModelSpec} names, for the examples of a data set. */
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
        if (spec.arch().equals("char-lm") || modality == Modality.CHARACTER_WINDOWS) {
            if (!spec.arch().equals("char-lm") || modality != Modality.CHARACTER_WINDOWS) {
                throw new IllegalArgumentException("model 'char-lm' is a character language model and data set 'udhr' the only"
                        + " language-model data: use them together (got model '" + spec.arch() + "' on data set '" + data.name() + "')");
            }
            // A window holds T + 1 characters: T inputs, T next-character targets.
            return CharLm.preset(spec.size(), data.vocabularySize(), data.width() - 1);
        }
        if (spec.arch().equals("minilm")) {
            if (modality != Modality.TOKENS) {
                throw new IllegalArgumentException("model 'minilm' reads token sequences, but data set '" + data.name()
                        + "' holds " + modality.name().toLowerCase().replace('_', ' ') + "; use it with wordnet,"
                        + " wordnet-lexname or text-table");
            }
            return new dev.metascale.engine.model.bert.PretrainedMiniLm(spec.frozenLayers());
        }
        if (modality != Modality.IMAGE) {
            throw new IllegalArgumentException("model '" + spec.arch() + "' reads images, but data set '" + data.name()
                    + "' holds " + modality.name().toLowerCase().replace('_', ' ') + "; choose a model for that data"
                    + " (see `metascale list`)");
        }
        return create(spec, data.height(), data.width());
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
