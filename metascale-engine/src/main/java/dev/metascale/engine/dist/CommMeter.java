package dev.metascale.engine.dist;

/**
 * What the collectives of one rank cost: seconds the rank waited on collectives (the exposed cost: with the
 * gradient all-reduce overlapped with back-propagation, only the part still running when the step needs the
 * result), the seconds from each collective's launch to its completion (its span; equal to the wait when it is not
 * overlapped), payload bytes this rank contributed, how many of them were launched before back-propagation ended,
 * and the calls. An overlapped gradient all-reduce in several segments counts as one call with the whole bucket's
 * payload. Ring all-reduce moves 2(N−1)/N of the payload per rank over the wire; {@link #wireBytes(int)} reports
 * that algorithmic volume.
 */
public final class CommMeter {
    private double seconds;
    private double spanSeconds;
    private long payloadBytes;
    private long overlappedBytes;
    private long calls;
    private int segments = 1;

    void record(double s, long bytes) {
        record(s, s, bytes, 0);
    }

    void record(double waitSeconds, double span, long bytes, long overlapped) {
        seconds += waitSeconds;
        spanSeconds += span;
        payloadBytes += bytes;
        overlappedBytes += overlapped;
        calls++;
    }

    void segments(int count) {
        segments = Math.max(segments, count);
    }

    /** How many collectives the gradient bucket is all-reduced in (1: after the backward, in one piece). */
    public int segments() {
        return segments;
    }

    /** Seconds the rank waited on collectives. */
    public double seconds() {
        return seconds;
    }

    /** Seconds from the collectives' launches to their completion (≥ {@link #seconds()}). */
    public double spanSeconds() {
        return spanSeconds;
    }

    public long payloadBytes() {
        return payloadBytes;
    }

    /** Payload bytes whose all-reduce was launched while back-propagation was still running. */
    public long overlappedBytes() {
        return overlappedBytes;
    }

    public long calls() {
        return calls;
    }

    /** Bytes a ring all-reduce sends per rank for this payload: 2(N−1)/N × payload. */
    public long wireBytes(int worldSize) {
        return worldSize <= 1 ? 0 : Math.round(2.0 * (worldSize - 1) / worldSize * payloadBytes);
    }

    public void reset() {
        seconds = 0;
        spanSeconds = 0;
        payloadBytes = 0;
        overlappedBytes = 0;
        calls = 0;
    }
}
