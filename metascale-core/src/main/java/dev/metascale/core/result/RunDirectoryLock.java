package dev.metascale.core.result;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The exclusive right to write a run directory: an OS file lock on {@code DIR/.metascale.lock}, which holds the
 * holder's PID. Two runners (or a {@code --resume} while the first lives) would record every trial twice and time
 * each other's contention; the second is refused with the first one's PID. The operating system releases the lock
 * when its process ends, however it ends (a {@code kill -9} included), so a stale lock file never blocks a resume.
 */
public final class RunDirectoryLock implements AutoCloseable {
    public static final String FILE_NAME = ".metascale.lock";

    /** The run directory is being written by another process. */
    public static final class BusyException extends IOException {
        public BusyException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private RunDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock of {@code runDir} (created if missing), or says who holds it. */
    public static RunDirectoryLock acquire(Path runDir) throws IOException {
        Files.createDirectories(runDir);
        Path file = runDir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            String holder = holder(channel);
            channel.close();
            throw new BusyException(runDir + " is being written by another metascale run (" + holder + "); wait for it to"
                    + " finish, stop it, or choose another --out");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        return new RunDirectoryLock(channel, lock);
    }

    private static String holder(FileChannel channel) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            channel.read(buffer, 0);
            String pid = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
            return pid.isEmpty() ? "its PID is not recorded yet" : "PID " + pid;
        } catch (IOException e) {
            return "its PID cannot be read: " + e.getMessage();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
