package dev.metascale.engine.data;

import dev.metascale.core.component.Modality;
import java.util.List;

/**
 * A few-shot data set: classes in three disjoint splits, each class with a fixed number of
 * examples. Examples are {@link #height()} x {@link #width()} floats, row-major: single-channel
 * images with values in [0, 1] by default, or token / character ids as {@link #modality()} says.
 * Implementations are deterministic: the same construction arguments give the
 * same classes, splits and pixels, whatever order they are asked for in.
 */
public interface FewShotDataset {

    /** The suite name of the data set, e.g. {@code glyphs}. */
    String name();

    /** Version of the generation/loading procedure; changes whenever pixels could change. */
    String version();

    /** Content hash (hex SHA-256) of everything that determines the pixels and the splits. */
    String hash();

    int height();

    /** What an example is: an image (the default), a token sequence or a language-model window. */
    default Modality modality() {
        return Modality.IMAGE;
    }

    /** Size of the token or character vocabulary of a text data set; 0 for images. */
    default int vocabularySize() {
        return 0;
    }

    int width();

    /**
     * What the loader left out, by reason (e.g. {@code unreadable}, {@code too_short}) → the files or
     * classes; recorded with the data set's identity in every trial. Empty when nothing was left out.
     */
    default java.util.Map<String, List<String>> skipped() {
        return java.util.Map.of();
    }

    /** Names of the classes of a split, e.g. {@code Armenian/U+0531}. Index = class index. */
    List<String> classNames(Split split);

    /** The unit the classes were split by, for each class of the split (e.g. the script); may equal the class name. */
    List<String> groupNames(Split split);

    /** Examples of class {@code classIndex} of {@code split}. */
    int examplesPerClass(Split split, int classIndex);

    /**
     * All examples of one class, {@code [examples][height * width]}. May render or load lazily;
     * must be thread-safe and return the same values on every call.
     */
    float[][] examples(Split split, int classIndex);
}
