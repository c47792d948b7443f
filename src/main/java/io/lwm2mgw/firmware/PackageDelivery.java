package io.lwm2mgw.firmware;

import static io.lwm2mgw.firmware.FirmwareObject.PACKAGE_URI;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.CommandValue;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.command.WriteMode;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.firmware.FirmwareImage;
import java.util.Map;
import java.util.Optional;

/**
 * How one update's image reaches the device: pushed by the gateway (Block1 writes of Package), or offered on
 * a gateway URI that the device pulls from (its Package URI is written). Counts the bytes that went out and
 * knows whether this update's own image arrived whole: the only case in which Update may be executed. Runs on
 * the firmware flow's thread, like the update it serves.
 */
final class PackageDelivery {

    /** What the delivery needs of its update. */
    interface Update extends IdleReset.Update {
        /** Whether the update still waits for the image to arrive; bytes counted otherwise are ignored. */
        boolean downloading();

        /** More of the image went out: worth a progress event now. */
        void progressed();

        /** The device pulled the last byte; true when that settles an earlier Downloaded (nothing more to do). */
        boolean fetchedWhole();

        /** The push ended, delivered or refused. */
        void pushed(FirmwareTransferPort.PushOutcome outcome);
    }

    private final Update update;
    private final FirmwareUpdateFlow flow;
    private final CommandRequest request;
    private final EndpointName endpoint;
    private final FirmwareImage image;
    private final boolean push;
    private final FirmwareObject.ProgressReports reports = new FirmwareObject.ProgressReports();
    private FirmwareTransferPort.Transfer transfer;
    private FirmwareTransferPort.PullOffer offer;
    private long bytesSent;
    private boolean delivered;

    PackageDelivery(Update update, FirmwareUpdateFlow flow, CommandRequest request, FirmwareImage image,
            boolean push) {
        this.update = update;
        this.flow = flow;
        this.request = request;
        this.endpoint = request.endpoint();
        this.image = image;
        this.push = push;
    }

    boolean push() {
        return push;
    }

    long bytesSent() {
        return bytesSent;
    }

    /** This update's own image reached the device whole. */
    boolean delivered() {
        return delivered;
    }

    void begin() {
        if (push) {
            transfer = flow.transfer().push(endpoint, image, flow.blockSize(),
                    bytes -> flow.onFlowThread(UpdateLogContext.bound(request, () -> progress(bytes))),
                    outcome -> flow.onFlowThread(UpdateLogContext.bound(request, () -> {
                        transfer = null;
                        update.pushed(outcome);
                    })));
            return;
        }
        offer = flow.transfer().offer(endpoint, image, flow.blockSize(),
                bytes -> flow.onFlowThread(UpdateLogContext.bound(request, () -> progress(bytes))));
        Map<io.lwm2mgw.domain.device.Lwm2mPath, CommandValue> uri = Map.of(PACKAGE_URI,
                new CommandValue.Text(offer.uri().toString()));
        update.send(new DeviceCommand.WriteResource(PACKAGE_URI, WriteMode.REPLACE, uri, Optional.empty()), r -> {
            if (r.status() != CommandStatus.SUCCESS) {
                update.fail(r.status(), r.code(), "writing the package URI failed: "
                        + r.error().orElse(r.status().wireName()));
            }
        });
    }

    /** The push ended with the whole image accepted. */
    void pushSucceeded() {
        delivered = true;
        progress(image.size());
    }

    /** The device reported Downloaded of this image: every byte counts as sent, the URI is no longer needed. */
    void downloaded() {
        bytesSent = image.size();
        revoke();
    }

    /** The update ended: a push under way is cancelled, an offered URI withdrawn. */
    void stop() {
        if (transfer != null) {
            transfer.cancel();
        }
        revoke();
    }

    private void progress(long bytes) {
        if (update.ended() || !update.downloading() || bytes <= bytesSent) {
            return;
        }
        bytesSent = Math.min(bytes, image.size());
        if (!push && bytesSent == image.size() && !delivered) {
            delivered = true; // the device fetched the whole image from our URI
            if (update.fetchedWhole()) {
                return;
            }
        }
        if (reports.due(bytesSent, image.size(), System.nanoTime())) {
            update.progressed();
        }
    }

    private void revoke() {
        if (offer != null) {
            offer.revoke();
            offer = null;
        }
    }
}
