package io.lwm2mgw.it;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How a test device's Object 5 ({@link FirmwareUpdateObject}) behaves. The defaults are a well-behaved device:
 * push and pull (Delivery Method 2), CoAP only (Protocol Support {0}), observable State and Update Result,
 * Californium's default block size, 300 ms from Update to reboot, an update that succeeds.
 */
public final class FirmwareBehaviour {

    int deliveryMethod = 2;
    List<Integer> protocols = List.of(0);
    boolean refuseObserve;
    boolean failUpdate;
    Duration updateDelay = Duration.ofMillis(300);
    Duration pullTimeout = Duration.ofSeconds(30);
    Optional<Integer> preferredBlockSize = Optional.empty();
    long flashSize = Long.MAX_VALUE;
    Optional<Psk> coapsPsk = Optional.empty();
    boolean refusePackages;
    Optional<Integer> maxBlock1Size = Optional.empty();
    Duration blockDelay = Duration.ZERO;

    /** A pre-shared key the device uses for a {@code coaps://} Package URI. */
    record Psk(String identity, byte[] secret) { }

    /** Delivery Method 0: a write of Package /5/0/0 is answered 4.05. */
    public FirmwareBehaviour pullOnly() {
        deliveryMethod = 0;
        return this;
    }

    /** Delivery Method 1: a write of Package URI /5/0/1 is answered 4.05. */
    public FirmwareBehaviour pushOnly() {
        deliveryMethod = 1;
        return this;
    }

    /** Protocol Support /5/0/8: 0 CoAP, 1 CoAPS, 2 HTTP, 3 HTTPS. The device downloads over CoAP and CoAPS only. */
    public FirmwareBehaviour supportingProtocols(Integer... protocols) {
        this.protocols = List.of(protocols);
        return this;
    }

    /** Announces HTTP and HTTPS only, so a CoAP URI ends with Update Result 9 (unsupported protocol). */
    public FirmwareBehaviour httpOnly() {
        return supportingProtocols(2, 3);
    }

    /** Answers 4.05 to an observe of the object or any of its resources, so a server has to poll. */
    public FirmwareBehaviour refusingObserve() {
        refuseObserve = true;
        return this;
    }

    /** The installation fails: State goes back to Downloaded and Update Result becomes 8. */
    public FirmwareBehaviour failingUpdate() {
        failUpdate = true;
        return this;
    }

    /** Time from executing Update to the reboot (or the failure). Default 300 ms. */
    public FirmwareBehaviour updatingFor(Duration delay) {
        updateDelay = delay;
        return this;
    }

    /** How long a pull may take before it ends with Update Result 4 (connection lost). Default 30 s. */
    public FirmwareBehaviour withPullTimeout(Duration timeout) {
        pullTimeout = timeout;
        return this;
    }

    /**
     * The block size the device asks for: its Californium PREFERRED_BLOCK_SIZE, so a Block1 push in larger blocks
     * is answered 2.31 Continue with this size, and its pull asks for Block2 blocks of this size.
     *
     * @param bytes 16, 32, 64, 128, 256, 512 or 1024
     */
    public FirmwareBehaviour preferringBlockSize(int bytes) {
        if (bytes < 16 || bytes > 1024 || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("block size must be a power of two from 16 to 1024");
        }
        preferredBlockSize = Optional.of(bytes);
        return this;
    }

    /** Flash available for a package: a larger one ends with Update Result 2 (not enough flash). Default unlimited. */
    public FirmwareBehaviour withFlashSize(long bytes) {
        flashSize = bytes;
        return this;
    }

    /** Answers 4.00 to the first Block1 block of every Package write, as a device that will not take a package. */
    public FirmwareBehaviour refusingPackages() {
        refusePackages = true;
        return this;
    }

    /**
     * A small input buffer: a Package block larger than this is answered 4.13 Request Entity Too Large with a
     * Block1 option of this size (RFC 7959 2.9.3).
     */
    public FirmwareBehaviour acceptingBlocksUpTo(int bytes) {
        maxBlock1Size = Optional.of(bytes);
        return this;
    }

    /** Answers each Package block only after {@code delay}, as a device writing its flash does. */
    public FirmwareBehaviour answeringBlocksAfter(Duration delay) {
        blockDelay = delay;
        return this;
    }

    /** Credentials for a {@code coaps://} Package URI; the device must also support protocol 1 (CoAPS). */
    public FirmwareBehaviour withCoapsPsk(String identity, byte[] secret) {
        coapsPsk = Optional.of(new Psk(identity, secret.clone()));
        return this;
    }
}
