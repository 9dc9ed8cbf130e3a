package dev.metascale.engine.dist;

/**
 * What the collectives of one rank cost: seconds spent in (waiting on) collectives, payload bytes
 * this rank contributed, and the calls. Ring all-reduce moves 2(N−1)/N of the payload per rank over
 * the wire; {@link #wireBytes(int)} reports that algorithmic volume.
 */
public final class CommMeter {
    private double seconds;
    private long payloadBytes;
    private long calls;

    void record(double s, long bytes) {
        seconds += s;
        payloadBytes += bytes;
        calls++;
    }

    public double seconds() {
        return seconds;
    }

    public long payloadBytes() {
        return payloadBytes;
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
        payloadBytes = 0;
        calls = 0;
    }
}
