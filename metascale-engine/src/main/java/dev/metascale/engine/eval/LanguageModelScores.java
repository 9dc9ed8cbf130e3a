package dev.metascale.engine.eval;

/**
 * Scores of one language-model episode from the mean next-character cross-entropy H (nats) of its
 * query windows: perplexity = exp(H), bits per character = H / ln 2 (the cross-entropy in base 2).
 */
public final class LanguageModelScores {
    private LanguageModelScores() {
    }

    public static double perplexity(double meanCrossEntropyNats) {
        return Math.exp(meanCrossEntropyNats);
    }

    public static double bitsPerCharacter(double meanCrossEntropyNats) {
        return meanCrossEntropyNats / Math.log(2);
    }
}
