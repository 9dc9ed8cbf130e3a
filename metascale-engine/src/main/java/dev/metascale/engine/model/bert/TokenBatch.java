package dev.metascale.engine.model.bert;

import dev.metascale.engine.torch.ArrayTensors;
import org.bytedeco.pytorch.Tensor;

/**
 * Token ids of a batch of texts, right-padded with id 0 to the batch's longest sequence, with the
 * matching attention mask (1 = token, 0 = padding) and token type (segment) ids. Rows are
 * [n][length]; each array is row-major when flattened.
 */
public record TokenBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds) {
    public TokenBatch {
        if (inputIds.length != attentionMask.length || inputIds.length != tokenTypeIds.length) {
            throw new IllegalArgumentException("ids, mask and type ids must have one row per text");
        }
    }

    public int size() {
        return inputIds.length;
    }

    /** Padded length L (0 for an empty batch). */
    public int length() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** Number of real (non-padding) tokens in row {@code i}. */
    public int tokens(int i) {
        int n = 0;
        for (long m : attentionMask[i]) {
            n += (int) m;
        }
        return n;
    }

    /** int64 tensor [n, L] of the input ids: the input of {@link BertEncoder#features}. */
    public Tensor idsTensor() {
        return ArrayTensors.longs(flatten(inputIds), size(), length());
    }

    /** int64 tensor [n, L] of the token type ids. */
    public Tensor typeIdsTensor() {
        return ArrayTensors.longs(flatten(tokenTypeIds), size(), length());
    }

    /** Row-major copy of a [n][L] array. */
    public static long[] flatten(long[][] rows) {
        int length = rows.length == 0 ? 0 : rows[0].length;
        long[] out = new long[rows.length * length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * length, length);
        }
        return out;
    }
}
