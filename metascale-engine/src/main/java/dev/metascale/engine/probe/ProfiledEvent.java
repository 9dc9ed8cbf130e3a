package dev.metascale.engine.probe;

/**
 * One event of the Kineto profiler: an operator call ({@code aten::mm}, ...) or a memory event
 * ({@code [memory]}, zero duration, {@code bytes} > 0 allocated, < 0 freed).
 *
 * @param flops the profiler's own FLOP count (set for the matmul family and convolution only)
 */
public record ProfiledEvent(String name, long startNs, long durationNs, long threadId, long flops, long bytes) {
    public static final String MEMORY = "[memory]";

    public boolean isMemory() {
        return MEMORY.equals(name);
    }
}
