package io.lwm2mgw.firmware;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import java.net.URI;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * The seam to the devices for moving image bytes, implemented by the southbound: a streamed Block1 write of
 * Package /5/0/0 (push), and a Block2 download the gateway serves at an unguessable URI (pull). Neither keeps
 * more than one block of an image in memory per device.
 */
public interface FirmwareTransferPort {

    /**
     * Writes the image into /5/0/0 block by block, read from its file as it goes; the device's smaller block
     * size wins; lost blocks are retransmitted by CoAP's rules. {@code progress} gets the bytes acknowledged
     * so far; {@code done} is called exactly once.
     */
    Transfer push(EndpointName endpoint, FirmwareImage image, int blockSize, LongConsumer progress,
            Consumer<PushOutcome> done);

    /**
     * Serves the image over CoAP (or CoAPS, the way the device is registered) at a fresh unguessable URI,
     * until {@link PullOffer#revoke()}. {@code served} gets the highest byte offset served so far.
     */
    PullOffer offer(EndpointName endpoint, FirmwareImage image, int blockSize, LongConsumer served);

    /** Whether the device is registered over CoAPS (a pull URI must then be coaps). */
    boolean registeredSecurely(EndpointName endpoint);

    /** A running push. */
    interface Transfer {
        /** Stops sending blocks; {@code done} is called with a failure if it was not called yet. */
        void cancel();
    }

    /** An image on offer at one URI. */
    interface PullOffer {
        URI uri();

        /** The URI answers 4.04 from now on. */
        void revoke();
    }

    /**
     * How a push ended.
     *
     * @param code  the device's last CoAP response code, when it answered
     * @param error why it failed, when it did
     */
    record PushOutcome(boolean success, Optional<String> code, Optional<String> error) {
        public static PushOutcome succeeded(String code) {
            return new PushOutcome(true, Optional.of(code), Optional.empty());
        }

        public static PushOutcome failed(Optional<String> code, String error) {
            return new PushOutcome(false, code, Optional.of(error));
        }
    }
}
