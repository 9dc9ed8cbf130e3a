package dev.metascale.engine.probe;

import dev.metascale.engine.torch.TorchRuntime;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CalibrationTest {
    @AfterEach
    void clear() {
        System.clearProperty(Calibration.CACHE_PROPERTY);
    }

    @Test
    void measuresPositiveRatesAndBandwidth() {
        TorchRuntime.configure(1);
        double fp32 = Calibration.gemmFlopsPerS(torch.ScalarType.Float, 256).orElseThrow();
        double fp64 = Calibration.gemmFlopsPerS(torch.ScalarType.Double, 128).orElseThrow();
        assertTrue(fp32 > 1e8 && fp32 < 1e13, "fp32 " + fp32);
        assertTrue(fp64 > 1e7 && fp64 < 1e13, "fp64 " + fp64);
        double bandwidth = Calibration.copyBytesPerS(8L << 20);
        assertTrue(bandwidth > 1e8 && bandwidth < 1e13, "bandwidth " + bandwidth);
    }

    @Test
    void peakComesFromTheCacheOnceStored(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("calibration.json");
        System.setProperty(Calibration.CACHE_PROPERTY, cache.toString());
        TorchRuntime.configure(1);
        Calibration.store("Test CPU", 1, 1.25e11);
        Calibration.Peak peak = Calibration.peakFp32("Test CPU");
        assertEquals(1.25e11, peak.flopsPerS());
        assertTrue(peak.source().contains("cache"));
        assertTrue(Files.readString(cache).contains("Test CPU | threads=1"));
    }

    @Test
    void peaksAreKeptApartByDtypeAndBlasSoOneNeverServesAnother(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("calibration.json");
        System.setProperty(Calibration.CACHE_PROPERTY, cache.toString());
        TorchRuntime.configure(1);
        Calibration.store("Test CPU", 1, torch.ScalarType.Float, 1.0e11);
        Calibration.store("Test CPU", 1, torch.ScalarType.BFloat16, 8.0e11);
        assertEquals(1.0e11, Calibration.peak("Test CPU", torch.ScalarType.Float).flopsPerS());
        assertEquals(8.0e11, Calibration.peak("Test CPU", torch.ScalarType.BFloat16).flopsPerS());
        String text = Files.readString(cache);
        assertTrue(text.contains("dtype=bfloat16") && text.contains("blas=" + TorchRuntime.blasLibrary()), text);
        // a peak measured under another BLAS (the CLI without the workers' preload) is a different key
        String other = text.replace("blas=" + TorchRuntime.blasLibrary(), "blas=some other library").replace("1.0E11", "2.0E11");
        Files.writeString(cache, other);
        assertTrue(!Calibration.peak("Test CPU", torch.ScalarType.Float).source().contains("some other library"));
    }

    @Test
    void mfuOfSeveralRanksIsOverTheirSummedPeakAndHfuCountsRecompute(@TempDir Path dir) {
        System.setProperty(Calibration.CACHE_PROPERTY, dir.resolve("c.json").toString());
        TorchRuntime.configure(1);
        Calibration.store("Test CPU", 1, torch.ScalarType.Float, 1.0e10);
        var f = new dev.metascale.core.flops.IterationFlops(new dev.metascale.core.flops.FlopCount(1_000_000_000L, 0),
                dev.metascale.core.flops.FlopCount.ZERO, dev.metascale.core.flops.FlopCount.ZERO,
                new dev.metascale.core.flops.FlopCount(500_000_000L, 0), dev.metascale.core.flops.FlopCount.ZERO);
        var one = dev.metascale.core.result.Metrics.create();
        TrialMeasurements.write(one, java.util.Optional.of(f), 2, new double[]{1.0, 1.0}, "Test CPU", torch.ScalarType.Float, 1);
        var two = dev.metascale.core.result.Metrics.create();
        TrialMeasurements.write(two, java.util.Optional.of(f), 2, new double[]{1.0, 1.0}, "Test CPU", torch.ScalarType.Float, 2);
        assertEquals(0.1, one.json().get("mfu").asDouble(), 1e-12);
        assertEquals(0.15, one.json().get("hfu").asDouble(), 1e-12);
        assertEquals(0.05, two.json().get("mfu").asDouble(), 1e-12, "global FLOPs over two ranks' peaks");
    }

    @Test
    void probeOverheadIsFarBelowAMillisecond() {
        double s = ProbeOverhead.secondsPerIteration();
        assertTrue(s > 0 && s < 1e-4, "probe overhead " + s);
    }
}
