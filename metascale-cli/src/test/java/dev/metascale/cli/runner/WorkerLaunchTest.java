package dev.metascale.cli.runner;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which BLAS the workers preload: the system OpenBLAS when installed, the bundled one on request, errors that say what to do. */
class WorkerLaunchTest {

    @Test
    void theSystemOpenBlasIsPreloadedWhenInstalledUnlessBundledIsAskedFor(@TempDir Path dir) throws IOException {
        Path lib = Files.createFile(dir.resolve("libopenblas.so.0"));
        assertEquals(Optional.of(lib.toString()), WorkerLaunch.blasPreload(null, lib));
        assertEquals(Optional.of(lib.toString()), WorkerLaunch.blasPreload("system", lib));
        assertEquals(Optional.empty(), WorkerLaunch.blasPreload("bundled", lib));
        assertEquals(Optional.empty(), WorkerLaunch.blasPreload(null, dir.resolve("absent.so")));
    }

    @Test
    void aMissingSystemLibraryOrAnUnknownChoiceSaysWhatToDo(@TempDir Path dir) {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> WorkerLaunch.blasPreload("system", dir.resolve("absent.so")));
        assertTrue(missing.getMessage().contains("bin/install-packages libopenblas0-openmp"), missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> WorkerLaunch.blasPreload("mkl", dir.resolve("absent.so")));
        assertTrue(unknown.getMessage().contains("METASCALE_BLAS must be system or bundled"), unknown.getMessage());
    }

    @Test
    void theDefaultLaunchRecordsItsChoiceInTheWorkerEnvironment() {
        WorkerLaunch launch = WorkerLaunch.defaults(Path.of("."));
        boolean installed = Files.isRegularFile(WorkerLaunch.SYSTEM_OPENBLAS) && !"bundled".equals(System.getenv("METASCALE_BLAS"));
        assertEquals(installed, launch.environment().containsKey("LD_PRELOAD"), launch.environment().toString());
    }
}
