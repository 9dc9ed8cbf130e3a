package dev.metascale.cli.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Kills a process and everything it started. */
final class ProcessTree {
    private static final long EXIT_WAIT_S = 10;

    private ProcessTree() {
    }

    /** Forcibly kills the descendants of {@code root}, then root, and waits for them to be gone. */
    static void kill(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.forEach(ProcessHandle::destroyForcibly);
        root.destroyForcibly();
        all.add(root);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(EXIT_WAIT_S, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                System.err.println("warning: process " + handle.pid() + " did not exit after SIGKILL");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
