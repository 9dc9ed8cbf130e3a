package dev.metascale.engine.model.bert;

/**
 * Shape of a BERT encoder (Devlin et al. 2019, "BERT", §3; the Transformer of Vaswani et al. 2017).
 *
 * @param vocabSize        rows of the word-embedding table
 * @param hidden           model width d
 * @param layers           number of Transformer blocks
 * @param heads            attention heads (d must divide by it)
 * @param intermediate     width of the feed-forward layer
 * @param maxPositions     rows of the learned position-embedding table (longest input)
 * @param typeVocabSize    rows of the token-type (segment) embedding table
 * @param layerNormEps     ε of every LayerNorm
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate,
                         int maxPositions, int typeVocabSize, double layerNormEps) {

    /** sentence-transformers/all-MiniLM-L6-v2: 6 layers, width 384, 12 heads, FFN 1536, BERT uncased vocabulary. */
    public static final BertConfig MINILM_L6 = new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12);

    public BertConfig {
        if (hidden <= 0 || layers <= 0 || heads <= 0 || intermediate <= 0 || vocabSize <= 0
                || maxPositions <= 0 || typeVocabSize <= 0) {
            throw new IllegalArgumentException("every BERT size must be positive, got " + this);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " must be a multiple of heads " + heads);
        }
    }

    public int headDim() {
        return hidden / heads;
    }

    /**
     * Parameters of the encoder (no pooler): embeddings V·d + P·d + T·d + LayerNorm 2d, and per layer
     * 4(d² + d) attention + (d·I + I) + (I·d + d) feed-forward + two LayerNorms 4d.
     */
    public long parameterCount() {
        long d = hidden;
        long embeddings = (long) vocabSize * d + (long) maxPositions * d + (long) typeVocabSize * d + 2 * d;
        long perLayer = 4 * (d * d + d) + (d * intermediate + intermediate) + ((long) intermediate * d + d) + 4 * d;
        return embeddings + layers * perLayer;
    }
}
