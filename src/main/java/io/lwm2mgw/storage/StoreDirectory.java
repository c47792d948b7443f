package io.lwm2mgw.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A store's folder, checked before the gateway serves anyone: it is created if missing, a probe file is
 * written through {@link AtomicFile} (so an unwritable or full volume is found at start, not at the first
 * registration), the temporary files of a crash are removed, and (for the folders of a gateway's own state)
 * a lock file is held for the life of the process so that a second gateway on the same folder refuses to
 * start instead of overwriting the first one's state. Not thread-safe; opened and closed by the start-up
 * and shutdown observers.
 */
public final class StoreDirectory implements AutoCloseable {

    /** The lock file in every store folder; the lock is an OS lock, released when the process dies. */
    public static final String LOCK_FILE = "gateway.lock";
    private static final String PROBE_FILE = ".write-probe-";

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final int leftoversRemoved;

    private StoreDirectory(Path directory, FileChannel lockChannel, FileLock lock, int leftoversRemoved) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.leftoversRemoved = leftoversRemoved;
    }

    /** Why a store folder cannot be used: one sentence for operators, naming the folder. */
    public static final class Unusable extends Exception {
        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Checks, cleans and locks {@code directory}.
     *
     * @throws Unusable when the folder cannot be created or written, or another process holds its lock
     */
    public static StoreDirectory open(Path directory) throws Unusable {
        return open(directory, true);
    }

    /**
     * Checks and cleans {@code directory}, and locks it when {@code exclusive} (a folder several gateways may
     * share, such as a content-addressed image cache, is not locked).
     */
    public static StoreDirectory open(Path directory, boolean exclusive) throws Unusable {
        Path absolute = directory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(absolute);
        } catch (IOException e) {
            throw new Unusable(absolute + " cannot be created (" + reason(e) + ")");
        }
        FileChannel channel = null;
        FileLock lock = null;
        if (exclusive) {
            try {
                channel = FileChannel.open(absolute.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new Unusable(absolute + " is not writable (" + reason(e) + ")");
            }
            lock = lock(channel).orElse(null);
            if (lock == null) {
                closeQuietly(channel);
                throw new Unusable(absolute + " is in use by another gateway process (it holds " + LOCK_FILE
                        + "); two gateways must not share a store folder");
            }
        }
        try {
            Path probe = absolute.resolve(PROBE_FILE + ProcessHandle.current().pid());
            AtomicFile.write(probe, ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
            AtomicFile.delete(probe);
            return new StoreDirectory(absolute, channel, lock, AtomicFile.removeLeftovers(absolute));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new Unusable(absolute + " is not writable (" + reason(e) + ")");
        }
    }

    private static Optional<FileLock> lock(FileChannel channel) throws Unusable {
        try {
            return Optional.ofNullable(channel.tryLock());
        } catch (OverlappingFileLockException e) {
            return Optional.empty(); // held by this very process: a second application in the same JVM
        } catch (IOException e) {
            closeQuietly(channel);
            throw new Unusable("cannot lock " + LOCK_FILE + " (" + reason(e) + ")");
        }
    }

    private static String reason(IOException e) {
        return AtomicFile.reason(e);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing held
        }
    }

    /** The folder, absolute. */
    public Path path() {
        return directory;
    }

    /** Temporary files of an earlier crash removed when the folder was opened. */
    public int leftoversRemoved() {
        return leftoversRemoved;
    }

    /** Releases the lock; the lock file stays. */
    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException ignored) {
            // released with the channel
        }
        closeQuietly(lockChannel);
    }
}
