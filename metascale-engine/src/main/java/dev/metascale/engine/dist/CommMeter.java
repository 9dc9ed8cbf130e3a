package dev.metascale.engine.dist;

/**
 * What the collectives of one rank cost during meta-training, measured as nccl-tests measures a collective: the
 * ranks first meet at a barrier, so the collective starts aligned and its time is the transfer, not the wait for a
 * slower peer. Kept apart:
 * <ul>
 *   <li>{@link #seconds()}: the all-reduces' transfer time this rank waited for (the exposed cost: with the gradient
 *       all-reduce overlapped with back-propagation, only the part still running when the step needs the result);</li>
 *   <li>{@link #skewSeconds()}: the time this rank waited at the barrier for the slowest rank (the peers'
 *       imbalance, plus one barrier round trip). Not measured when the all-reduce is overlapped: a barrier before
 *       the last backward would serialise what the overlap hides;</li>
 *   <li>{@link #spanSeconds()}: from each all-reduce's launch to its completion (equal to its wait when not overlapped);</li>
 *   <li>the payload, how much of it was launched before back-propagation ended, and the calls.</li>
 * </ul>
 * The start-up broadcast of rank 0's parameters is counted apart ({@link #broadcastSeconds()}, {@link
 * #broadcastBytes()}): it is paid once, not per iteration. An overlapped gradient all-reduce in several segments
 * counts as one call with the whole bucket's payload. Wire bytes per rank follow nccl-tests' bus-bandwidth factors:
 * ring all-reduce 2(N−1)/N of the payload, broadcast 1× (every rank but the root receives it once; the ring's
 * chunks cross every link once).
 */
public final class CommMeter {
    private double seconds;
    private double skewSeconds;
    private boolean skewMeasured;
    private double spanSeconds;
    private long payloadBytes;
    private long overlappedBytes;
    private long calls;
    private int segments = 1;
    private double broadcastSeconds;
    private long broadcastBytes;

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

    /** Seconds spent at the barrier that aligned the ranks before an all-reduce. */
    void recordSkew(double s) {
        skewSeconds += s;
        skewMeasured = true;
    }

    void recordBroadcast(double s, long bytes) {
        broadcastSeconds += s;
        broadcastBytes += bytes;
    }

    void segments(int count) {
        segments = Math.max(segments, count);
    }

    /** How many collectives the gradient bucket is all-reduced in (1: after the backward, in one piece). */
    public int segments() {
        return segments;
    }

    /** Seconds the rank waited on the all-reduces' transfer (after the ranks were aligned, when they were). */
    public double seconds() {
        return seconds;
    }

    /** Seconds the rank waited for the slowest rank before its all-reduces; see {@link #skewMeasured()}. */
    public double skewSeconds() {
        return skewSeconds;
    }

    /** Whether the ranks were aligned before the all-reduces (not with the overlapped all-reduce). */
    public boolean skewMeasured() {
        return skewMeasured;
    }

    /** Seconds from the all-reduces' launches to their completion (≥ {@link #seconds()}). */
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

    public double broadcastSeconds() {
        return broadcastSeconds;
    }

    public long broadcastBytes() {
        return broadcastBytes;
    }

    /** Bytes a ring all-reduce sends per rank for the all-reduces' payload: 2(N−1)/N × payload. */
    public long wireBytes(int worldSize) {
        return worldSize <= 1 ? 0 : Math.round(2.0 * (worldSize - 1) / worldSize * payloadBytes);
    }

    /** Bytes per rank of the broadcasts at bus-bandwidth factor 1 (nccl-tests: broadcast busbw = algbw). */
    public long broadcastWireBytes(int worldSize) {
        return worldSize <= 1 ? 0 : broadcastBytes;
    }

    public void reset() {
        seconds = 0;
        skewSeconds = 0;
        skewMeasured = false;
        spanSeconds = 0;
        payloadBytes = 0;
        overlappedBytes = 0;
        calls = 0;
    }
}
