package io.lwm2mgw.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The one way every file store replaces a file: the new content goes to {@code <name>.tmp}, is forced to disk,
 * renamed over the old file and the directory is forced, so a crash leaves the old file or the new one, never
 * half of one and never a rename that the disk forgot. A write that fails removes its temporary file; the
 * leftovers of a crash are removed at start by {@link #removeLeftovers}. Stateless and thread-safe as long as
 * two threads do not replace the same file at once.
 */
public final class AtomicFile {

    /** The suffix of the temporary file next to its target. */
    public static final String TEMPORARY_SUFFIX = ".tmp";

    private AtomicFile() {
    }

    /** Replaces {@code target} by {@code content}, durably when this returns. */
    public static void write(Path target, byte[] content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + TEMPORARY_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw e;
        }
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Gives a finished file its final name durably: {@code written} (a download streamed to a temporary file
     * in the same folder) is forced to disk, renamed to {@code target} and the folder forced. For content too
     * large for {@link #write}.
     */
    public static void moveIntoPlace(Path written, Path target) throws IOException {
        try (FileChannel channel = FileChannel.open(written, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(written, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /** Removes {@code target} durably; no error when it does not exist. */
    public static void delete(Path target) throws IOException {
        if (Files.deleteIfExists(target)) {
            forceDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** Removes the temporary files a crash (or a full disk) left in {@code directory}; returns how many. */
    public static int removeLeftovers(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int removed = 0;
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(directory, "*" + TEMPORARY_SUFFIX)) {
            for (Path leftover : leftovers) {
                if (Files.isRegularFile(leftover) && Files.deleteIfExists(leftover)) {
                    removed++;
                }
            }
        }
        return removed;
    }

    /** Forces a directory's entries (a rename into it) to disk; a file system that cannot is left as it is. */
    public static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems refuse to open a directory for reading: nothing more can be done there
        }
    }

    /** What went wrong, for an operator: the OS's reason ("No space left on device"), or the kind of failure. */
    public static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
            return "a file is in the way";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // removed at the next start at the latest
        }
    }
}
