package io.lwm2mgw.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.jboss.logging.Logger;

/**
 * An append-only file of one-line records, forced to disk before an append is confirmed. Appends that arrive
 * together share one write and one fsync (group commit) on the journal's own writer thread, so a burst of
 * completions costs one disk flush. A torn last line (a crash in the middle of a write) is skipped when read.
 * Thread-safe.
 */
public final class Journal implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Journal.class);

    /** One record to append, or (with {@code compacted} set) a rewrite of the whole journal. */
    private record Append(String line, CompletableFuture<Void> done, List<String> compacted) {
        Append(String line, CompletableFuture<Void> done) {
            this(line, done, null);
        }
    }

    /** Put by {@link #close()}: the writer writes what came before it and ends (never interrupted, since an
     * interrupt closes a FileChannel in the middle of a write). */
    private static final Append STOP = new Append("", new CompletableFuture<>(), null);

    private final Path file;
    private final LinkedBlockingQueue<Append> pending = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;
    private FileChannel channel;

    private Journal(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        this.writer = new Thread(this::writeLoop, "journal-" + file.getFileName());
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Opens {@code file} after rewriting it as {@code compacted} (the records worth keeping, as read by the
     * caller with {@link #read}), atomically: a crash leaves either the old journal or the new one.
     */
    public static Journal open(Path file, List<String> compacted) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            StringBuilder text = new StringBuilder();
            compacted.forEach(line -> text.append(line).append('\n'));
            AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
            return new Journal(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every complete line of {@code file}, oldest first; nothing when it does not exist. */
    public static List<String> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            // the last element is what follows the final newline: empty, or a line torn by a crash
            lines.remove(lines.size() - 1);
            lines.removeIf(String::isBlank);
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal " + file + ": " + e.getMessage(), e);
        }
    }

    /** Appends one record (no newline in it); the stage completes once it is on disk. Never blocks. */
    public CompletionStage<Void> append(String line) {
        if (line.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a journal record is one line");
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!open) {
            done.completeExceptionally(new IllegalStateException("journal " + file + " is closed"));
            return done;
        }
        pending.add(new Append(line, done));
        return done;
    }

    /**
     * Rewrites the journal as {@code records} (what is worth keeping, as the caller knows it when it calls),
     * atomically, after every record appended before this call and before every record appended after it.
     * The stage completes once the new journal is on disk; on failure the old one goes on.
     */
    public CompletionStage<Void> compact(List<String> records) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!open) {
            done.completeExceptionally(new IllegalStateException("journal " + file + " is closed"));
            return done;
        }
        pending.add(new Append("", done, List.copyOf(records)));
        return done;
    }

    private void writeLoop() {
        List<Append> batch = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                continue; // only close() ends the loop, with STOP, so nothing appended before it is lost
            }
            pending.drainTo(batch);
            stop = batch.remove(STOP);
            // appends up to each compaction go to the old journal, the rest to the rewritten one
            List<Append> appends = new ArrayList<>();
            for (Append a : batch) {
                if (a.compacted() == null) {
                    appends.add(a);
                } else {
                    writeBatch(appends);
                    appends.clear();
                    rewrite(a);
                }
            }
            writeBatch(appends);
            batch.clear();
        }
    }

    private void writeBatch(List<Append> batch) {
        if (batch.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        batch.forEach(a -> text.append(a.line()).append('\n'));
        try {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
            batch.forEach(a -> a.done().complete(null));
        } catch (IOException e) {
            LOG.errorf("cannot write journal %s: %s", file, e.getMessage());
            batch.forEach(a -> a.done().completeExceptionally(e));
        }
    }

    private void rewrite(Append compaction) {
        StringBuilder text = new StringBuilder();
        compaction.compacted().forEach(line -> text.append(line).append('\n'));
        try {
            AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
            FileChannel old = channel;
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            old.close();
            compaction.done().complete(null);
        } catch (IOException e) {
            LOG.warnf("cannot compact journal %s (it goes on growing): %s", file, e.getMessage());
            compaction.done().completeExceptionally(e);
        }
    }

    /** Writes what was appended so far, then closes. */
    @Override
    public void close() {
        open = false;
        pending.add(STOP);
        try {
            writer.join(5000);
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.warnf("closing journal %s: %s", file, e.getMessage());
        }
    }

    /** Forces a directory's entries (a rename into it) to disk; see {@link AtomicFile#forceDirectory}. */
    public static void forceDirectory(Path directory) {
        AtomicFile.forceDirectory(directory);
    }
}
