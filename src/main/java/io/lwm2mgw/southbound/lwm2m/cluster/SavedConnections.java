package io.lwm2mgw.southbound.lwm2m.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import javax.crypto.SecretKey;
import org.eclipse.californium.elements.util.DataStreamReader;
import org.eclipse.californium.elements.util.DatagramWriter;
import org.eclipse.californium.elements.util.EncryptedStreamUtil;
import org.eclipse.californium.elements.util.SerializationUtil;
import org.eclipse.californium.scandium.DTLSConnector;
import org.jboss.logging.Logger;

/**
 * The DTLS connections of a stopped connector saved to one file, and loaded into the next life's connector before
 * it serves (Scandium's save and load), so devices keep their sessions across a graceful restart. The file is
 * readable by its owner only, encrypted when a key is given, and deleted as it is loaded: a session's state used
 * twice would reuse its record sequence numbers, and so its nonces. It names the node id the connections were made
 * under (their Connection IDs carry it) and is refused under another. A file that cannot be read is set aside as
 * {@code *.refused}; its devices handshake again.
 */
public final class SavedConnections {

    private static final Logger LOG = Logger.getLogger(SavedConnections.class);
    private static final int MAGIC = 0x4c57_4454; // "LWDT"
    private static final int VERSION = 1;

    private final Path file;
    private final Optional<SecretKey> key;
    private final OptionalInt node;
    private final Duration maxAge;
    private final Clock clock;

    /**
     * @param file   where the connections are kept between two lives
     * @param key    encrypts the file when present
     * @param node   the cluster node id, when in a cluster
     * @param maxAge connections quiet longer are not saved; a file older is not loaded
     */
    public SavedConnections(Path file, Optional<SecretKey> key, OptionalInt node, Duration maxAge, Clock clock) {
        this.file = file;
        this.key = key;
        this.node = node;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** Saves the connections of a stopped connector; returns how many. A failure is logged, not thrown. */
    public int save(DTLSConnector connector) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(temporary);
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            int count;
            try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(temporary))) {
                DataOutputStream header = new DataOutputStream(raw);
                header.writeInt(MAGIC);
                header.writeInt(VERSION);
                header.writeInt(node.orElse(-1));
                header.writeLong(clock.millis());
                header.writeBoolean(key.isPresent());
                header.flush();
                OutputStream body = key.isPresent() ? new EncryptedStreamUtil().prepare(raw, key.get()) : raw;
                DatagramWriter mark = new DatagramWriter();
                SerializationUtil.writeNanotimeSynchronizationMark(mark);
                mark.writeTo(body);
                count = connector.save(body, maxAge.toSeconds());
                body.close(); // the cipher's last block
            }
            try (FileChannel written = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                written.force(true);
            }
            move(temporary);
            LOG.infof("saved %d DTLS connections to %s%s", count, file, key.isPresent() ? " (encrypted)" : "");
            return count;
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not save the DTLS connections to %s (%s); their devices will handshake again", file, e);
            return 0;
        }
    }

    /** Loads the saved connections into a connector that has not started; returns how many. */
    public int load(DTLSConnector connector) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            DataInputStream header = new DataInputStream(in);
            if (header.readInt() != MAGIC || header.readInt() != VERSION) {
                return refuse("it is not a file of saved DTLS connections of this version");
            }
            int savedNode = header.readInt();
            Instant savedAt = Instant.ofEpochMilli(header.readLong());
            boolean encrypted = header.readBoolean();
            if (savedNode != node.orElse(-1)) {
                return refuse("it was saved under cluster node id " + (savedNode < 0 ? "none" : savedNode)
                        + ", this gateway has " + (node.isPresent() ? node.getAsInt() : "none"));
            }
            if (encrypted != key.isPresent()) {
                return refuse(encrypted ? "it is encrypted and gateway.cluster.psk is not set"
                        : "it is not encrypted and gateway.cluster.psk is set");
            }
            Duration age = Duration.between(savedAt, clock.instant());
            if (age.compareTo(maxAge) > 0) {
                Files.delete(file);
                LOG.infof("DTLS connections saved %s ago are older than gateway.lwm2m.security.dtls.saved-max-age "
                        + "(%s): not loaded, their devices handshake again", age.withNanos(0), maxAge);
                return 0;
            }
            InputStream body = encrypted ? new EncryptedStreamUtil().prepare(in, key.get()) : in;
            long delta = SerializationUtil.readNanotimeSynchronizationMark(new DataStreamReader(body));
            int count = connector.load(body, delta);
            Files.delete(file);
            LOG.infof("loaded %d DTLS connections saved %s ago", count, age.withNanos(0));
            return count;
        } catch (IOException | RuntimeException e) {
            return refuse("it could not be read (" + e + ")");
        }
    }

    private int refuse(String why) {
        Path aside = file.resolveSibling(file.getFileName() + ".refused");
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warnf("could not move %s aside (%s)", file, e);
        }
        LOG.warnf("did not load the saved DTLS connections of %s: %s; moved to %s, their devices handshake again",
                file, why, aside);
        return 0;
    }

    private void move(Path temporary) throws IOException {
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
