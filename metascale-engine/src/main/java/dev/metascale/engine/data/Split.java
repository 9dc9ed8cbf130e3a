package dev.metascale.engine.data;

/** The disjoint class splits of a few-shot data set: meta-train, meta-validation, meta-test. */
public enum Split {
    TRAIN, VAL, TEST
}
