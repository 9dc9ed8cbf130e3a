package dev.metascale.engine.dist;

import dev.metascale.engine.learn.Episode;
import dev.metascale.engine.learn.Maml;
import dev.metascale.engine.model.Mlp;
import dev.metascale.engine.model.Model;
import dev.metascale.engine.technique.TrainingTechniques;
import dev.metascale.engine.torch.ParamSet;
import dev.metascale.engine.torch.ArrayTensors;
import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.metascale.engine.torch.ParamVectors.grads;
import static dev.metascale.engine.torch.ParamVectors.relativeError;
import static dev.metascale.engine.torch.ParamVectors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two ranks (threads of this JVM, each with its own store client and Gloo process group) on
 * strong scaling must take exactly the steps one process takes on the whole meta-batch — with the gradient bucket
 * all-reduced in one piece (a small model) and in segments overlapped with the last backward (a larger one). The
 * ranks meet as on one machine (a FileStore: nothing listens beyond loopback, checked while they are joined) and,
 * for the overlapped case, as across nodes (rank 0's TCPStore).
 */
class DataParallelTest {
    private static final int STEPS = 3;
    private static final int TASKS = 4;

    @Test
    void bucketCutsAtParameterBoundariesFromTheEnd() {
        long kib = 1024;
        // an MLP 784-256-256-5 in float32: the last layer and head (268 KB) are one segment, the first layer another
        long[] mlp = offsets(200_704, 256, 65_536, 256, 1_280, 5);
        assertArrayEquals(new int[]{0, 2, 6}, DataParallel.segmentBoundaries(mlp, 4));
        // below twice the segment size: one segment
        assertArrayEquals(new int[]{0, 3}, DataParallel.segmentBoundaries(offsets(1000, 10, 1000), 4));
        // four equal parameters of one segment each
        long each = DataParallel.SEGMENT_BYTES / 8;
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, DataParallel.segmentBoundaries(offsets(each, each, each, each), 8));
        // a large bucket: at most MAX_SEGMENTS collectives
        long[] hundred = new long[100];
        java.util.Arrays.fill(hundred, each);
        int[] cut = DataParallel.segmentBoundaries(offsets(hundred), 8);
        assertEquals(DataParallel.MAX_SEGMENTS + 1, cut.length);
        assertArrayEquals(new int[]{0, 25, 50, 75, 100}, cut);
        assertTrue(DataParallel.SEGMENT_BYTES >= 64 * kib);
    }

    private static long[] offsets(long... sizes) {
        long[] out = new long[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) {
            out[i + 1] = out[i] + sizes[i];
        }
        return out;
    }

    @Test
    void twoRanksMatchOneProcessOnTheSameTasks() throws Exception {
        CommMeter meter = twoRanksAgainstOneProcess(new Mlp(16, List.of(8)), TrainingTechniques.NONE);
        assertEquals(0, meter.overlappedBytes());
        assertEquals(1, meter.segments());
        // the start-up broadcast is counted apart from the steps' all-reduces
        assertEquals(STEPS, meter.calls());
        assertEquals(meter.payloadBytes() / STEPS, meter.broadcastBytes());
        assertEquals(meter.broadcastBytes(), meter.broadcastWireBytes(2));
        assertEquals(meter.broadcastBytes(), meter.broadcastWireBytes(8), "a broadcast moves its payload once per rank, whatever N");
        assertTrue(meter.skewMeasured());
    }

    /**
     * Rank 1 is 150 ms slower each step: rank 0's wait for it is skew, not transfer (before the barrier, the
     * all-reduce's time held the peer's imbalance and bus bandwidth varied 6× between identical reruns).
     */
    @Test
    void waitingForASlowerRankIsSkewNotTransfer() throws Exception {
        slowRankDelayMs = 150;
        try {
            CommMeter meter = twoRanksAgainstOneProcess(new Mlp(16, List.of(8)), TrainingTechniques.NONE);
            assertTrue(meter.skewSeconds() >= 0.8 * 0.15 * STEPS, "skew " + meter.skewSeconds());
            assertTrue(meter.seconds() < 0.05 * STEPS, "transfer of a tiny bucket on loopback, after alignment: " + meter.seconds());
        } finally {
            slowRankDelayMs = 0;
        }
    }

    private static volatile long slowRankDelayMs;

    /** A bucket that would be cut (16-200-200-200-3 in float64), without overlap_allreduce: one piece after the backward. */
    @Test
    void withoutOverlapTheBucketIsReducedInOnePiece() throws Exception {
        CommMeter meter = twoRanksAgainstOneProcess(new Mlp(16, List.of(200, 200, 200)), TrainingTechniques.NONE);
        assertEquals(0, meter.overlappedBytes());
        assertEquals(1, meter.segments());
    }

    /** The same bucket with overlap_allreduce: two segments launched during the last backward, the same steps. */
    @Test
    void overlappedSegmentsMatchOneProcess() throws Exception {
        CommMeter meter = twoRanksAgainstOneProcess(new Mlp(16, List.of(200, 200, 200)), new TrainingTechniques(0, 0, 0, true),
                Rendezvous.TCP_STORE);
        assertEquals(2, meter.segments());
        assertTrue(meter.overlappedBytes() > 0, "no segment was launched during the last backward");
        assertTrue(meter.spanSeconds() >= meter.seconds());
    }

    @Test
    void vectorizedRanksMatchOneProcessThatLoops() throws Exception {
        // vectorize_tasks composes with data parallelism: each rank's batched meta-gradient of its half, averaged over
        // the ranks, is the single process's task-by-task meta-gradient of the whole meta-batch
        CommMeter meter = twoRanksAgainstOneProcess(new Mlp(16, List.of(8)),
                new TrainingTechniques(0, 0, 0, false, null, java.util.Map.of("vectorize_tasks", true)));
        assertEquals(STEPS, meter.calls());
    }

    private enum Rendezvous { FILE_STORE, TCP_STORE }

    private static CommMeter twoRanksAgainstOneProcess(Model model, TrainingTechniques techniques) throws Exception {
        return twoRanksAgainstOneProcess(model, techniques, Rendezvous.FILE_STORE);
    }

    /** Runs the comparison with the ranks using {@code techniques}; returns rank 0's meter. */
    private static CommMeter twoRanksAgainstOneProcess(Model model, TrainingTechniques techniques, Rendezvous rendezvous)
            throws Exception {
        TorchRuntime.configure(1);
        List<List<Episode>> batches = new ArrayList<>();
        torch.manual_seed(42);
        for (int s = 0; s < STEPS; s++) {
            List<Episode> batch = new ArrayList<>();
            for (int t = 0; t < TASKS; t++) {
                batch.add(task());
            }
            batches.add(batch);
        }
        // One process, the whole meta-batch.
        Maml single = new Maml(model, model.init(1, 3, torch.ScalarType.Double), 0.3, 2, 2, 0.01);
        double[][] singleGrads = new double[STEPS][];
        for (int s = 0; s < STEPS; s++) {
            singleGrads[s] = stepAndGrads(single, batches.get(s));
        }
        double[] singleWeights = values(single.parameters());

        // Two ranks; rank 1 starts from different weights, which the broadcast must overwrite.
        ParamSet[] initial = {model.init(1, 3, torch.ScalarType.Double), model.init(99, 3, torch.ScalarType.Double)};
        Maml[] ranks = new Maml[2];
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path storeFile = Files.createTempDirectory("metascale-dp-test").resolve("c10d.store");
        // a TCPStore server of an earlier test in this JVM lives on (the group is never released): only new listeners count
        List<String> listeningBefore = ListeningSockets.ofThisProcess();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<double[][]>> results = new ArrayList<>();
        CommMeter[] meters = new CommMeter[2];
        for (int r = 0; r < 2; r++) {
            int rank = r;
            results.add(pool.submit(() -> {
                RankInfo info = rendezvous == Rendezvous.FILE_STORE
                        ? RankInfo.onThisMachine(rank, 2, storeFile, Duration.ofSeconds(30))
                        : RankInfo.overTcp(rank, 2, "127.0.0.1", port, Duration.ofSeconds(30));
                try (DataParallel dp = DataParallel.join(info)) {
                    if (rendezvous == Rendezvous.FILE_STORE) {
                        List<String> wide = ListeningSockets.ofThisProcess().stream()
                                .filter(a -> !listeningBefore.contains(a) && !ListeningSockets.isLoopback(a)).toList();
                        assertTrue(wide.isEmpty(), "listening beyond loopback while the ranks are joined: " + wide);
                    }
                    ranks[rank] = new Maml(model, initial[rank], 0.3, 2, 2, 0.01, techniques.inGroup(dp));
                    dp.broadcast(ranks[rank].parameters());
                    double[][] grads = new double[STEPS][];
                    for (int s = 0; s < STEPS; s++) {
                        List<Episode> mine = batches.get(s).subList(rank * 2, rank * 2 + 2);
                        if (rank == 1 && slowRankDelayMs > 0) {
                            Thread.sleep(slowRankDelayMs);
                        }
                        grads[s] = stepAndGrads(ranks[rank], mine);
                    }
                    assertTrue(dp.meter().calls() == STEPS && dp.meter().payloadBytes() > 0);
                    meters[rank] = dp.meter();
                    return grads;
                }
            }));
        }
        double[][] rank0 = results.get(0).get();
        results.get(1).get();
        pool.shutdown();
        for (int s = 0; s < STEPS; s++) {
            double error = relativeError(rank0[s], singleGrads[s]);
            assertTrue(error < 1e-5, "meta-gradient of step " + s + " differs: " + error);
        }
        assertTrue(relativeError(values(ranks[0].parameters()), singleWeights) < 1e-5, "final weights of rank 0 differ");
        assertTrue(relativeError(values(ranks[1].parameters()), singleWeights) < 1e-5, "final weights of rank 1 differ");
        return meters[0];
    }

    private static Episode task() {
        long[] y = {0, 1, 2, 0, 1, 2};
        Tensor sx = torch.randn(new long[]{6, 1, 4, 4}, new TensorOptions(torch.ScalarType.Double));
        Tensor qx = torch.randn(new long[]{6, 1, 4, 4}, new TensorOptions(torch.ScalarType.Double));
        sx.retainReference();
        qx.retainReference();
        Tensor labels = ArrayTensors.longs(y, 6);
        labels.retainReference();
        return new Episode(sx, labels, qx, labels, 3, new long[]{0, 1, 2});
    }

    /** One meta-step; returns the (averaged) meta-gradient it applied. */
    private static double[] stepAndGrads(Maml maml, List<Episode> tasks) {
        try (PointerScope scope = new PointerScope()) {
            maml.metaStep(tasks);
            return grads(maml.parameters());
        }
    }
}
