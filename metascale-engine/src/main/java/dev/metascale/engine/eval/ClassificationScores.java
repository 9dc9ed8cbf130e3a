package dev.metascale.engine.eval;

/** Scores of one episode's query predictions. */
public final class ClassificationScores {
    private ClassificationScores() {
    }

    public static double accuracy(long[] predicted, long[] truth) {
        int correct = 0;
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] == truth[i]) {
                correct++;
            }
        }
        return (double) correct / truth.length;
    }

    /**
     * Macro-averaged F1 over the {@code classes} labels: the unweighted mean of per-class
     * F1 = 2·TP / (2·TP + FP + FN); a class with no true and no predicted example scores 0.
     */
    public static double macroF1(long[] predicted, long[] truth, int classes) {
        long[] tp = new long[classes];
        long[] fp = new long[classes];
        long[] fn = new long[classes];
        for (int i = 0; i < truth.length; i++) {
            int p = (int) predicted[i];
            int t = (int) truth[i];
            if (p == t) {
                tp[t]++;
            } else {
                fp[p]++;
                fn[t]++;
            }
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            long denominator = 2 * tp[c] + fp[c] + fn[c];
            sum += denominator == 0 ? 0 : 2.0 * tp[c] / denominator;
        }
        return sum / classes;
    }
}
