package dev.metascale.engine.data;

import java.util.List;

/** Opens the data sets of the component registry ({@link dev.metascale.core.component.Components#datasets()}) by suite name. */
public final class Datasets {
    /** The data sets of the component registry; {@link #open} binds each. */
    private static final List<String> NAMES = dev.metascale.core.component.Components.datasets().stream()
        .map(dev.metascale.core.component.DatasetDescriptor::name).toList();

    private Datasets() {
    }

    /** The names {@link #open(String, long)} accepts. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Opens a data set: {@code glyphs} (the Noto fonts, 20 examples per class), {@code synthetic}
     * (64 / 16 / 32 generated classes of 20 examples, seeded with {@code splitSeed}),
     * {@code fashion-mnist} and {@code mnist} ({@link IdxDataset}: classes 0-4 train, 5-9 test) or
     * {@code image-folder} ({@link ImageFolderDataset}: the folder in {@code METASCALE_IMAGE_FOLDER},
     * classes split by {@code splitSeed}), {@code udhr} ({@link UdhrDataset}: language-model windows, translations
     * split by {@code splitSeed}), {@code wordnet} / {@code wordnet-lexname} ({@link WordNetDataset}:
     * glosses by hypernym / lexicographer file) or {@code text-table} ({@link TextTableDataset}: the CSV/JSONL
     * file in {@code METASCALE_TEXT_TABLE}), {@code fortunes} ({@link FortunesDataset}), {@code sotu} ({@link SotuDataset}),
     * {@code udhr-langid} ({@link UdhrLanguageDataset}) or {@code nlp-cross-domain} ({@link CrossDomainTextDataset}: WordNet
     * for meta-training, the other three as test domains).
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones)
     * @throws DatasetUnavailableException when files the data set needs are missing (the message says how to install them)
     * @throws CorruptDataException when a data file is damaged (the message names it)
     */
    public static FewShotDataset open(String name, long splitSeed) {
        return switch (name) {
            case GlyphsDataset.NAME -> GlyphsDataset.openDefault(splitSeed);
            case SyntheticDataset.NAME -> SyntheticDataset.create(splitSeed, 64, 16, 32, 20);
            case IdxDataset.FASHION_MNIST, IdxDataset.MNIST -> IdxDataset.open(name);
            case ImageFolderDataset.NAME -> ImageFolderDataset.openFromEnvironment(splitSeed);
            case UdhrDataset.NAME -> UdhrDataset.open(splitSeed);
            case WordNetDataset.NAME, WordNetDataset.LEXNAME -> WordNetDataset.openDefault(name, splitSeed);
            case TextTableDataset.NAME -> TextTableDataset.openFromEnvironment(splitSeed);
            case FortunesDataset.NAME -> FortunesDataset.openDefault(splitSeed);
            case SotuDataset.NAME -> SotuDataset.openDefault(splitSeed);
            case UdhrLanguageDataset.NAME -> UdhrLanguageDataset.openDefault(splitSeed);
            case CrossDomainTextDataset.NAME -> CrossDomainTextDataset.open(splitSeed, Datasets::open);
            default -> throw new IllegalArgumentException("unknown data set '" + name + "'; available: "
                + String.join(", ", NAMES));
        };
    }
}
