package dev.metascale.core.component;

import java.util.List;

import static dev.metascale.core.component.Modality.CHARACTER_WINDOWS;
import static dev.metascale.core.component.Modality.IMAGE;
import static dev.metascale.core.component.Modality.TOKENS;

/** The models of this version (the engine's {@code Models} builds each). */
final class BuiltInModels {
    private BuiltInModels() {
    }

    static final List<ModelDescriptor> ALL = List.of(
            new ModelDescriptor("conv4", "4 x [conv3x3(channels) + batch-norm + ReLU + max-pool 2], the standard few-shot backbone",
                    IMAGE, true, 0, true),
            new ModelDescriptor("mlp", "fully connected layers of the widths in hidden, ReLU", IMAGE, true, 0, true),
            new ModelDescriptor("resnet12", "ResNet-12 few-shot backbone; size: tiny | small | standard (default, 12.4 M parameters)",
                    IMAGE, true, 0),
            new ModelDescriptor("vit", "ViT-style Transformer encoder, 4x4 patches, pre-LN, mean pooling; size: tiny (0.1 M) |"
                    + " small (2.7 M, default) | base (14 M) | large (49 M)", IMAGE, true, 0),
            new ModelDescriptor("minilm", "pretrained all-MiniLM-L6-v2 BERT sentence encoder (6 layers, 22.7 M), for text data"
                    + " sets; frozen_layers: k holds the embeddings and lowest k layers constant", TOKENS, false, 5),
            new ModelDescriptor("char-lm", "causal character-level Transformer LM, pre-LN, learned positions; size: tiny (0.36 M"
                    + " with udhr's vocabulary, default) | small (1.3 M) | base (5.8 M); for udhr", CHARACTER_WINDOWS, false, 0));
}
