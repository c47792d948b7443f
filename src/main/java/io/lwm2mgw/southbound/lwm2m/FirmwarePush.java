package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.firmware.FirmwareImage;
import io.lwm2mgw.firmware.FirmwareTransferPort;
import io.lwm2mgw.firmware.FirmwareTransferPort.PushOutcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.coap.option.BlockOption;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.elements.EndpointContext;
import org.jboss.logging.Logger;

/**
 * One streamed write of Package /5/0/0 (RFC 7959 Block1): each block is read from the image file just before
 * it is sent, so a device costs one block of heap whatever the image size. One block in flight at a time (CoAP
 * NSTART = 1); a lost block is retransmitted by the CoAP reliability layer; when the device asks for smaller
 * blocks in its 2.31 Continue, the rest goes in its size, and when it answers 4.13 with a smaller Block1 size
 * (RFC 7959 2.9.3) the refused block goes again in that size.
 */
final class FirmwarePush implements FirmwareTransferPort.Transfer {

    private static final Logger LOG = Logger.getLogger(FirmwarePush.class);

    private final Endpoint endpoint;
    private final EndpointContext destination;
    private final String[] uriPath;
    private final FirmwareImage image;
    private final LongConsumer progress;
    private final Consumer<PushOutcome> done;
    private final Executor executor;
    private final AtomicBoolean finished = new AtomicBoolean();
    private FileChannel file;
    private int szx;
    private long offset;
    private int length;
    private volatile Request current;
    /** Runs a block's request in the device's lane: no other request to the device is in flight meanwhile. */
    private final Consumer<io.lwm2mgw.command.DeviceLanes.Task> inLane;
    private volatile Runnable releaseLane = () -> { };

    FirmwarePush(Endpoint endpoint, EndpointContext destination, String rootPath, FirmwareImage image, int blockSize,
            LongConsumer progress, Consumer<PushOutcome> done, Executor executor,
            Consumer<io.lwm2mgw.command.DeviceLanes.Task> inLane) {
        this.inLane = inLane;
        this.endpoint = endpoint;
        this.destination = destination;
        String root = rootPath == null ? "" : rootPath.replaceAll("^/+|/+$", "");
        this.uriPath = (root.isEmpty() ? "5/0/0" : root + "/5/0/0").split("/");
        this.image = image;
        this.szx = BlockOption.size2Szx(blockSize);
        this.progress = progress;
        this.done = done;
        this.executor = executor;
    }

    void start() {
        executor.execute(() -> {
            try {
                file = FileChannel.open(image.file(), StandardOpenOption.READ);
            } catch (IOException e) {
                finish(PushOutcome.failed(Optional.empty(), "cannot read the image: " + e.getMessage()));
                return;
            }
            sendBlock();
        });
    }

    private void sendBlock() {
        if (finished.get()) {
            return;
        }
        int size = BlockOption.szx2Size(szx);
        long num = offset / size;
        int wanted = (int) Math.min(size, image.size() - offset);
        ByteBuffer block = ByteBuffer.allocate(wanted);
        try {
            while (block.hasRemaining()) {
                if (file.read(block, offset + block.position()) < 0) {
                    throw new IOException("the image file is shorter than " + image.size() + " bytes");
                }
            }
        } catch (IOException e) {
            finish(PushOutcome.failed(Optional.empty(), "cannot read the image: " + e.getMessage()));
            return;
        }
        length = wanted;
        boolean more = offset + wanted < image.size();
        Request request = Request.newPut();
        request.setConfirmable(true);
        request.setDestinationContext(destination);
        for (String segment : uriPath) {
            request.getOptions().addUriPath(segment);
        }
        request.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
        request.getOptions().setBlock1(szx, more, (int) num);
        if (num == 0) {
            request.getOptions().setSize1((int) Math.min(Integer.MAX_VALUE, image.size()));
        }
        request.setPayload(block.array());
        request.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onResponse(Response response) {
                releaseLane.run();
                executor.execute(() -> answered(response, more));
            }

            @Override
            public void onTimeout() {
                releaseLane.run();
                finish(PushOutcome.failed(Optional.empty(), "no answer to block " + num + " (offset " + offset
                        + ") after all retransmissions"));
            }

            @Override
            public void onCancel() {
                releaseLane.run();
                finish(PushOutcome.failed(Optional.empty(), "the transfer was cancelled at offset " + offset));
            }

            @Override
            public void onReject() {
                releaseLane.run();
                finish(PushOutcome.failed(Optional.empty(), "the device rejected block " + num));
            }

            @Override
            public void onSendError(Throwable error) {
                releaseLane.run();
                finish(PushOutcome.failed(Optional.empty(), "cannot send block " + num + ": " + error.getMessage()));
            }
        });
        current = request;
        inLane.accept(release -> {
            releaseLane = release;
            if (finished.get()) {
                release.run(); // cancelled while waiting for its turn
                return;
            }
            endpoint.sendRequest(request);
        });
    }

    private void answered(Response response, boolean more) {
        if (finished.get()) {
            return;
        }
        ResponseCode code = response.getCode();
        String text = code(code);
        BlockOption ack = response.getOptions().getBlock1();
        if (more && (code == ResponseCode.CONTINUE || code.isSuccess() && ack != null && ack.isM())) {
            offset += length;
            progress.accept(offset);
            if (ack != null && ack.getSzx() < szx) {
                LOG.debugf("device asks for %d-byte blocks", ack.getSize());
                szx = ack.getSzx();
            }
            sendBlock();
        } else if (code == ResponseCode.REQUEST_ENTITY_TOO_LARGE && ack != null && ack.getSzx() < szx) {
            // RFC 7959 2.9.3: the device names the block size it can take; send this block again in that size
            LOG.debugf("device answered 4.13 to %d-byte blocks: continuing with %d", BlockOption.szx2Size(szx),
                    ack.getSize());
            szx = ack.getSzx();
            sendBlock();
        } else if (!more && code.isSuccess()) {
            offset += length;
            progress.accept(offset);
            finish(PushOutcome.succeeded(text));
        } else if (code.isSuccess()) {
            finish(PushOutcome.failed(Optional.of(text), "the device answered " + text + " before the last block "
                    + "(offset " + offset + " of " + image.size() + ")"));
        } else {
            finish(PushOutcome.failed(Optional.of(text), "the device answered " + text + " to the block at offset "
                    + offset));
        }
    }

    @Override
    public void cancel() {
        Request request = current;
        if (finished.get()) {
            return;
        }
        finish(PushOutcome.failed(Optional.empty(), "the transfer was stopped at offset " + offset));
        if (request != null) {
            request.cancel();
        }
    }

    private void finish(PushOutcome outcome) {
        if (finished.compareAndSet(false, true)) {
            try {
                if (file != null) {
                    file.close();
                }
            } catch (IOException e) {
                LOG.debugf("closing %s: %s", image.file(), e.getMessage());
            }
            done.accept(outcome);
        }
    }

    static String code(ResponseCode code) {
        return io.lwm2mgw.domain.command.CoapCodes.dotted(code.codeClass * 100 + code.codeDetail);
    }
}
