package dev.metascale.engine.learn;

import dev.metascale.engine.data.EpisodeIndex;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.engine.torch.ArrayTensors;

/** Turns an {@link EpisodeIndex} into tensors: the one place examples are copied into libtorch. */
public final class EpisodeLoader {
    private final FewShotDataset dataset;

    public EpisodeLoader(FewShotDataset dataset) {
        this.dataset = dataset;
    }

    public Episode load(EpisodeIndex index) {
        int pixels = dataset.height() * dataset.width();
        int ns = index.supportSize();
        int nq = index.querySize();
        float[] sx = new float[ns * pixels];
        float[] qx = new float[nq * pixels];
        long[] sy = new long[ns];
        long[] qy = new long[nq];
        long[] classIds = new long[index.ways()];
        int si = 0;
        int qi = 0;
        for (int label = 0; label < index.ways(); label++) {
            int cls = index.classes().get(label);
            classIds[label] = cls;
            float[][] examples = dataset.examples(index.split(), cls);
            for (int e : index.support().get(label)) {
                System.arraycopy(examples[e], 0, sx, si * pixels, pixels);
                sy[si++] = label;
            }
            for (int e : index.query().get(label)) {
                System.arraycopy(examples[e], 0, qx, qi * pixels, pixels);
                qy[qi++] = label;
            }
        }
        long h = dataset.height();
        long w = dataset.width();
        return new Episode(ArrayTensors.floats(sx, ns, 1, h, w), ArrayTensors.longs(sy, ns),
                ArrayTensors.floats(qx, nq, 1, h, w), ArrayTensors.longs(qy, nq), index.ways(), classIds);
    }
}
