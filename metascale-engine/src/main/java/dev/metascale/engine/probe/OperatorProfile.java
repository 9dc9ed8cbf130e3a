package dev.metascale.engine.probe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.metascale.core.json.Json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The events of one profiled window summarised: per operator calls, self time (its duration minus
 * that of the operators it called on the same thread), total time, the profiler's FLOPs and the bytes
 * allocated directly inside it; and the peak of live tensor bytes over the window, from the running sum
 * of the memory events (relative to the tensors alive when the window opened).
 *
 * @param windowIterations iterations the window covered
 */
public record OperatorProfile(int windowIterations, List<Op> ops, long peakTensorBytes) {

    /** One operator's totals over the window. */
    public record Op(String name, long calls, double selfTimeS, double totalTimeS, long flops, long allocBytes) {
    }

    /** Operators Kineto assigns FLOPs to: the matrix-product family and convolution. */
    public static final Set<String> COUNTED_OPS = Set.of("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm",
            "aten::conv2d", "aten::conv1d", "aten::conv3d");

    public static OperatorProfile of(int windowIterations, List<ProfiledEvent> events) {
        List<ProfiledEvent> sorted = new ArrayList<>(events);
        // by start; at equal starts the longer (enclosing) event first
        sorted.sort(Comparator.comparingLong(ProfiledEvent::startNs).thenComparing(Comparator.comparingLong(ProfiledEvent::durationNs).reversed()));
        Map<String, long[]> totals = new LinkedHashMap<>();   // calls, selfNs, totalNs, flops, alloc
        Map<Long, Deque<long[]>> stacks = new HashMap<>();      // per thread: {endNs, childNs, index}
        List<ProfiledEvent> open = new ArrayList<>();
        long live = 0;
        long peak = 0;
        for (ProfiledEvent e : sorted) {
            Deque<long[]> stack = stacks.computeIfAbsent(e.threadId(), t -> new ArrayDeque<>());
            while (!stack.isEmpty() && stack.peek()[0] <= e.startNs()) {
                close(stack.pop(), open, totals);
            }
            if (e.isMemory()) {
                live += e.bytes();
                peak = Math.max(peak, live);
                if (e.bytes() > 0 && !stack.isEmpty()) {
                    totals.get(open.get((int) stack.peek()[2]).name())[4] += e.bytes();
                }
                continue;
            }
            if (!stack.isEmpty()) {
                stack.peek()[1] += e.durationNs();
            }
            long[] t = totals.computeIfAbsent(e.name(), n -> new long[5]);
            t[0]++;
            t[2] += e.durationNs();
            t[3] += e.flops();
            open.add(e);
            stack.push(new long[]{e.startNs() + e.durationNs(), 0, open.size() - 1});
        }
        for (Deque<long[]> stack : stacks.values()) {
            while (!stack.isEmpty()) {
                close(stack.pop(), open, totals);
            }
        }
        List<Op> ops = new ArrayList<>();
        totals.forEach((name, t) -> ops.add(new Op(name, t[0], t[1] / 1e9, t[2] / 1e9, t[3], t[4])));
        ops.sort(Comparator.comparingDouble(Op::selfTimeS).reversed());
        return new OperatorProfile(windowIterations, List.copyOf(ops), peak);
    }

    private static void close(long[] frame, List<ProfiledEvent> open, Map<String, long[]> totals) {
        ProfiledEvent e = open.get((int) frame[2]);
        totals.get(e.name())[1] += Math.max(0, e.durationNs() - frame[1]);
    }

    /** The profiler's FLOPs summed over the operators it counts ({@link #COUNTED_OPS}). */
    public long countedFlops() {
        return ops.stream().filter(op -> COUNTED_OPS.contains(op.name())).mapToLong(Op::flops).sum();
    }

    /** The operator of that name, or null. */
    public Op op(String name) {
        return ops.stream().filter(op -> op.name().equals(name)).findFirst().orElse(null);
    }

    /** {@code metrics.profile} of docs/results-schema.md: the top {@code top} operators by self time. */
    public ObjectNode toJson(int top) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("window_iterations", windowIterations);
        ArrayNode list = node.putArray("ops");
        for (Op op : ops.subList(0, Math.min(top, ops.size()))) {
            list.addObject().put("name", op.name()).put("calls", op.calls()).put("self_time_s", op.selfTimeS())
                    .put("total_time_s", op.totalTimeS()).put("flops", op.flops()).put("alloc_bytes", op.allocBytes());
        }
        return node;
    }
}
