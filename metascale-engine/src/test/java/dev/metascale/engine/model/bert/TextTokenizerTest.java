package dev.metascale.engine.model.bert;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** MiniLM's WordPiece tokenizer through DJL: special tokens, padding to the batch's longest, truncation. */
class TextTokenizerTest {
    static TextTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = TextTokenizer.fromResource(MiniLm.TOKENIZER_RESOURCE, MiniLm.MAX_LENGTH);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void padsToTheLongestTextOfTheBatchWithMaskAndTypeIds() {
        TokenBatch b = tokenizer.encode(List.of("Hello world", "The cat sits on the mat.", "Hi"));
        // [CLS] the cat sits on the mat . [SEP]
        assertEquals(9, b.length());
        assertEquals(List.of("[CLS]", "hello", "world", "[SEP]"), tokenizer.tokens("Hello world"));
        assertArrayEquals(new long[]{101, 7592, 2088, 102, 0, 0, 0, 0, 0}, b.inputIds()[0]);
        assertArrayEquals(new long[]{1, 1, 1, 1, 0, 0, 0, 0, 0}, b.attentionMask()[0]);
        assertArrayEquals(new long[9], b.tokenTypeIds()[1]);
        assertEquals(9, b.tokens(1));
        assertEquals(3, b.tokens(2));
        for (int i = 0; i < b.size(); i++) {
            for (int t = 0; t < b.length(); t++) {
                assertEquals(b.attentionMask()[i][t] == 1, b.inputIds()[i][t] != 0, "padding is exactly id 0");
            }
        }
    }

    @Test
    void truncatesAtMaxLengthKeepingSep() {
        String longText = "word ".repeat(500);
        TokenBatch b = tokenizer.encode(List.of(longText, "short"));
        assertEquals(MiniLm.MAX_LENGTH, b.length());
        assertEquals(102, b.inputIds()[0][MiniLm.MAX_LENGTH - 1]);
        assertEquals(3, b.tokens(1));
    }
}
