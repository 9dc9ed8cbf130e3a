package dev.metascale.engine.learn;

import dev.metascale.engine.data.EpisodeIndex;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.core.component.Modality;
import dev.metascale.engine.torch.ArrayTensors;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * Turns an {@link EpisodeIndex} into tensors: the one place examples are copied into libtorch.
 * The data set's {@link Modality} decides the layout: images [n, 1, h, w] float, token sequences
 * [n, L] int64 with one label each, or language-model windows split into inputs [n, T] and
 * next-character targets [n * T].
 */
public final class EpisodeLoader {
    private final FewShotDataset dataset;

    public EpisodeLoader(FewShotDataset dataset) {
        this.dataset = dataset;
    }

    public Episode load(EpisodeIndex index) {
        long[] classIds = new long[index.ways()];
        for (int label = 0; label < index.ways(); label++) {
            classIds[label] = index.classes().get(label);
        }
        Part support = part(index, index.support());
        Part query = part(index, index.query());
        return new Episode(support.x(), support.y(), query.x(), query.y(), index.ways(), classIds);
    }

    private record Part(Tensor x, Tensor y) {
    }

    /** The examples {@code chosen.get(label)} of every episode class, in label order. */
    private Part part(EpisodeIndex index, List<int[]> chosen) {
        int size = dataset.height() * dataset.width();
        int n = 0;
        for (int[] c : chosen) {
            n += c.length;
        }
        float[] x = new float[n * size];
        long[] labels = new long[n];
        int i = 0;
        for (int label = 0; label < index.ways(); label++) {
            float[][] examples = dataset.examples(index.split(), index.classes().get(label));
            for (int e : chosen.get(label)) {
                System.arraycopy(examples[e], 0, x, i * size, size);
                labels[i++] = label;
            }
        }
        return switch (dataset.modality()) {
            case IMAGE -> new Part(ArrayTensors.floats(x, n, 1, dataset.height(), dataset.width()), ArrayTensors.longs(labels, n));
            case TOKENS -> new Part(ArrayTensors.longs(ids(x, 0, size, size, n), n, size), ArrayTensors.longs(labels, n));
            case CHARACTER_WINDOWS -> {
                int steps = size - 1;
                yield new Part(ArrayTensors.longs(ids(x, 0, steps, size, n), n, steps),
                        ArrayTensors.longs(ids(x, 1, steps, size, n), (long) n * steps));
            }
        };
    }

    /** Columns {@code from .. from + length - 1} of each of the {@code n} rows of {@code stride} ids, as int64. */
    private static long[] ids(float[] x, int from, int length, int stride, int n) {
        long[] out = new long[n * length];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < length; c++) {
                out[r * length + c] = (long) x[r * stride + from + c];
            }
        }
        return out;
    }
}
