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
    void probeOverheadIsFarBelowAMillisecond() {
        double s = ProbeOverhead.secondsPerIteration();
        assertTrue(s > 0 && s < 1e-4, "probe overhead " + s);
    }
}
