package dev.metascale.engine;

import dev.metascale.core.component.Modality;
import dev.metascale.core.result.InvalidTrialException;
import dev.metascale.core.result.TrialResult;
import dev.metascale.core.spec.TrialSpec;
import dev.metascale.engine.data.Datasets;
import dev.metascale.engine.data.FewShotDataset;
import dev.metascale.engine.data.Split;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tuning trial ({@code eval.split: val}) evaluates on the validation classes and never reads a test example. */
class ValidationSplitTest {

    /** The synthetic data set with its test split poisoned: reading any test example fails the trial. */
    private static class PoisonedTest implements FewShotDataset {
        final FewShotDataset inner;
        final AtomicInteger validationReads = new AtomicInteger();

        PoisonedTest(FewShotDataset inner) {
            this.inner = inner;
        }

        @Override public String name() { return inner.name(); }
        @Override public String version() { return inner.version(); }
        @Override public String hash() { return inner.hash(); }
        @Override public int height() { return inner.height(); }
        @Override public int width() { return inner.width(); }
        @Override public Modality modality() { return inner.modality(); }
        @Override public Map<String, List<String>> skipped() { return inner.skipped(); }
        @Override public List<String> classNames(Split split) { return inner.classNames(split); }
        @Override public List<String> groupNames(Split split) { return inner.groupNames(split); }

        @Override
        public int examplesPerClass(Split split, int classIndex) {
            return inner.examplesPerClass(split, classIndex);
        }

        @Override
        public float[][] examples(Split split, int classIndex) {
            if (split == Split.TEST) {
                throw new AssertionError("a test example was read (class " + classIndex + ")");
            }
            if (split == Split.VAL) {
                validationReads.incrementAndGet();
            }
            return inner.examples(split, classIndex);
        }
    }

    @Test
    void tuningTrialNeverReadsTheTestSplit() {
        TrialSpec tuning = TrialExecutorTest.spec("maml", 0.4, 2).forTuning(20, 2000);
        PoisonedTest poisoned = new PoisonedTest(Datasets.open("synthetic", TrialExecutor.SPLIT_SEED));

        TrialResult result = TrialExecutor.execute(tuning, 1, "t", line -> { }, (name, seed) -> poisoned);

        assertTrue(result.isOk(), () -> String.valueOf(result.error()));
        assertEquals(20, result.metrics().get("accuracy").get("n").asInt());
        assertTrue(poisoned.validationReads.get() > 0, "the validation episodes come from the validation classes");
        assertEquals("tune", result.spec().phase());
        assertEquals("val", result.spec().eval().split());
    }

    @Test
    void theSameTrialOnTheTestSplitReadsItSoThePoisonIsLive() {
        TrialSpec test = TrialExecutorTest.spec("maml", 0.4, 2);
        PoisonedTest poisoned = new PoisonedTest(Datasets.open("synthetic", TrialExecutor.SPLIT_SEED));

        // the read may happen on a fork-join worker, which rethrows a copy whose cause is the original
        Throwable read = assertThrows(Throwable.class,
                () -> TrialExecutor.execute(test, 1, "t", line -> { }, (name, seed) -> poisoned));
        boolean poisonHit = false;
        for (Throwable t = read; t != null; t = t.getCause()) {
            poisonHit |= String.valueOf(t.getMessage()).contains("test example");
        }
        assertTrue(poisonHit, "the test split was read: " + read);
    }

    @Test
    void dataSetWithoutValidationClassesIsRefusedWithTheFix() {
        TrialSpec tuning = TrialExecutorTest.spec("maml", 0.4, 2).forTuning(20, 2000);
        FewShotDataset noValidation = new PoisonedTest(Datasets.open("synthetic", TrialExecutor.SPLIT_SEED)) {
            @Override
            public List<String> classNames(Split split) {
                return split == Split.VAL ? List.of() : super.classNames(split);
            }
        };

        InvalidTrialException e = assertThrows(InvalidTrialException.class,
                () -> TrialExecutor.execute(tuning, 1, "t", line -> { }, (name, seed) -> noValidation));
        assertTrue(e.getMessage().contains("no validation classes") && e.getMessage().contains("glyphs"), e.getMessage());
    }

    @Test
    void validationTrialHasItsOwnIdAndTheTestIdIsUnchanged() {
        TrialSpec test = TrialExecutorTest.spec("maml", 0.4, 2);
        TrialSpec tuning = test.forTuning(40, 1000);
        assertTrue(!test.id().equals(tuning.id()), "the split is part of the identity");
        assertEquals(test.id(), TrialSpec.fromJson(test.toJson()).id());
        assertTrue(!test.toJson().get("eval").has("split"), "a test trial's JSON (and so its id) is as before the split existed");
        assertEquals(tuning.id(), TrialSpec.fromJson(tuning.toJson()).id());
        assertEquals("tune", TrialSpec.fromJson(tuning.toJson()).phase());
    }
}
