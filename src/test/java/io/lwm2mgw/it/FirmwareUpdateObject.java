package io.lwm2mgw.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.californium.core.coap.option.BlockOption;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.interceptors.MessageInterceptor;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel.Type;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;

/**
 * Object 5 with the state machine of spec E.6 on a test device. Push: Californium reassembles the Block1 write
 * of Package /5/0/0; State is Downloading from the first block on. Pull: a {@code coap://} or {@code coaps://}
 * (or, where announced, http) URI in Package URI /5/0/1 is downloaded in the background with Block2. Either ends
 * Downloaded, or Idle with the Update Result saying why. Update /5/0/2 in Downloaded leads to Updating and after a
 * delay to a "reboot": the Device object's Firmware Version becomes the image's, State Idle, Update Result 1, and
 * the client registers anew. Every change of State or Update Result notifies observers, except the reboot's:
 * a rebooting device loses its observations, the server sees the outcome after the new registration. Images are
 * checked like a bootloader would ({@link TestFirmwareImages}). As the spec says, a new package is refused in
 * Downloaded and Updating: the first Block1 block of its write is answered 4.00 before any reassembly.
 *
 * <p>Threading: the Leshan handlers and the block counter run on Californium threads, downloads and the update
 * on the object's own worker; all state changes hold the object's monitor.
 */
public final class FirmwareUpdateObject extends BaseInstanceEnabler {

    public static final int IDLE = 0;
    public static final int DOWNLOADING = 1;
    public static final int DOWNLOADED = 2;
    public static final int UPDATING = 3;

    private final FirmwareBehaviour behaviour;
    private final Consumer<String> reboot;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fw-device");
        t.setDaemon(true);
        return t;
    });
    private int state = IDLE;
    private int result = 0;
    /** Bumped by every write of Package or Package URI, so a pull that was reset meanwhile changes nothing. */
    private int generation;
    private String downloadedVersion;
    volatile String lastUri;
    private volatile long bytesReceived;
    private long blockBytes;
    private final Set<Integer> blockSizes = new LinkedHashSet<>();
    private final List<Integer> states = new CopyOnWriteArrayList<>(List.of(IDLE));
    final AtomicInteger packagesReceived = new AtomicInteger();

    /** Leshan wants a default constructor to build an instance factory; devices use the other one. */
    public FirmwareUpdateObject() {
        this(new FirmwareBehaviour(), version -> { });
    }

    /** @param reboot called with the new version when an update succeeds: the device restarts with it */
    FirmwareUpdateObject(FirmwareBehaviour behaviour, Consumer<String> reboot) {
        super(0);
        this.behaviour = behaviour;
        this.reboot = reboot;
    }

    /** Size of the last complete package received (pushed or pulled), in bytes. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Payload bytes of the distinct Block1 blocks of the last push so far (grows while the push goes on). */
    public synchronized long blockBytesReceived() {
        return blockBytes;
    }

    /** The Block1 block sizes the last push used, in bytes, in the order they first came. */
    public synchronized List<Integer> blockSizesReceived() {
        return new ArrayList<>(blockSizes);
    }

    /** Complete packages received, valid or not. */
    public int packagesReceived() {
        return packagesReceived.get();
    }

    public synchronized int state() {
        return state;
    }

    public synchronized int updateResult() {
        return result;
    }

    /** Every State the object went through, in order, starting with Idle. */
    public List<Integer> stateHistory() {
        return new ArrayList<>(states);
    }

    /** The last Package URI written, or null. */
    public String lastUri() {
        return lastUri;
    }

    @Override
    public synchronized ReadResponse read(LwM2mServer server, int resourceId) {
        switch (resourceId) {
            case 1: return ReadResponse.success(resourceId, lastUri == null ? "" : lastUri);
            case 3: return ReadResponse.success(resourceId, (long) state);
            case 5: return ReadResponse.success(resourceId, (long) result);
            case 6: return ReadResponse.success(resourceId, "lamp-firmware");
            case 7: return ReadResponse.success(resourceId, downloadedVersion == null ? "" : downloadedVersion);
            case 8:
                Map<Integer, Long> protocols = new HashMap<>();
                for (int i = 0; i < behaviour.protocols.size(); i++) {
                    protocols.put(i, (long) behaviour.protocols.get(i));
                }
                return ReadResponse.success(resourceId, protocols, Type.INTEGER);
            case 9: return ReadResponse.success(resourceId, (long) behaviour.deliveryMethod);
            default: return super.read(server, resourceId);
        }
    }

    @Override
    public ObserveResponse observe(LwM2mServer server, int resourceId) {
        if (behaviour.refuseObserve) {
            return ObserveResponse.methodNotAllowed();
        }
        return super.observe(server, resourceId);
    }

    @Override
    public ObserveResponse observe(LwM2mServer server) {
        if (behaviour.refuseObserve) {
            return ObserveResponse.methodNotAllowed();
        }
        return super.observe(server);
    }

    @Override
    public synchronized WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
        if (resourceId == 0) {
            return writePackage((byte[]) value.getValue());
        }
        if (resourceId == 1) {
            return writePackageUri((String) value.getValue());
        }
        return super.write(server, replace, resourceId, value);
    }

    private WriteResponse writePackage(byte[] image) {
        if (image.length == 0) {
            generation++;
            set(IDLE, 0);
            return WriteResponse.success();
        }
        if (behaviour.deliveryMethod == 0) {
            return WriteResponse.methodNotAllowed();
        }
        // Downloading is allowed: the first Block1 block already moved the state machine there
        if (state == DOWNLOADED || state == UPDATING) {
            return WriteResponse.badRequest("package written in state " + state);
        }
        generation++;
        packagesReceived.incrementAndGet();
        bytesReceived = image.length;
        set(DOWNLOADING, 0);
        verify(image);
        return WriteResponse.success();
    }

    private WriteResponse writePackageUri(String uri) {
        if (uri.isEmpty()) {
            generation++;
            set(IDLE, 0);
            return WriteResponse.success();
        }
        if (behaviour.deliveryMethod == 1) {
            return WriteResponse.methodNotAllowed();
        }
        if (state != IDLE) {
            return WriteResponse.badRequest("package URI written in state " + state);
        }
        int mine = ++generation;
        lastUri = uri;
        set(DOWNLOADING, 0);
        // the write is answered first; the download happens "at the next practical opportunity"
        worker.execute(() -> {
            FirmwareDownload.Outcome outcome = new FirmwareDownload(behaviour).fetch(uri);
            synchronized (this) {
                if (generation != mine) {
                    return;
                }
                if (outcome.bytes().isEmpty()) {
                    set(IDLE, outcome.failure());
                    return;
                }
                byte[] image = outcome.bytes().get();
                packagesReceived.incrementAndGet();
                bytesReceived = image.length;
                verify(image);
            }
        });
        return WriteResponse.success();
    }

    /** Why the device answers a Block1 block of a Package write itself, before reassembly. */
    record Refusal(org.eclipse.californium.core.coap.CoAP.ResponseCode code, java.util.Optional<Integer> blockSize) { }

    /** Blocks answered with a refusal so far. */
    final AtomicInteger refusedBlocks = new AtomicInteger();

    /** Whether this block of a Package write is refused, and how; empty when it goes on to reassembly. */
    synchronized java.util.Optional<Refusal> refusal(BlockOption block) {
        var badRequest = org.eclipse.californium.core.coap.CoAP.ResponseCode.BAD_REQUEST;
        java.util.Optional<Refusal> refusal = java.util.Optional.empty();
        if (block.getOffset() == 0 && (state == DOWNLOADED || state == UPDATING || behaviour.refusePackages)) {
            refusal = java.util.Optional.of(new Refusal(badRequest, java.util.Optional.empty()));
        } else if (behaviour.maxBlock1Size.isPresent() && block.getSize() > behaviour.maxBlock1Size.get()) {
            refusal = java.util.Optional.of(new Refusal(
                    org.eclipse.californium.core.coap.CoAP.ResponseCode.REQUEST_ENTITY_TOO_LARGE,
                    behaviour.maxBlock1Size));
        }
        refusal.ifPresent(r -> refusedBlocks.incrementAndGet());
        return refusal;
    }

    /** Called for every inbound request before Californium's block-wise layer: counts the blocks of a push. */
    /** How long the device takes to answer a Package block. */
    java.time.Duration blockDelay() {
        return behaviour.blockDelay;
    }

    private final Set<Integer> requestsInFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicInteger maxRequestsInFlight = new AtomicInteger();

    /**
     * The most requests the device ever had to answer at once (by message id, from arrival to its piggybacked
     * response): 1 when the gateway keeps to one request in flight per device (CoAP NSTART = 1).
     */
    public int maxRequestsInFlight() {
        return maxRequestsInFlight.get();
    }

    /** Counts the requests the device holds unanswered; notifications (responses of their own) are not counted. */
    MessageInterceptor overlapCounter() {
        return new MessageInterceptor() {
            @Override
            public void receiveRequest(Request request) {
                if (request.isConfirmable() && !request.isDuplicate() && requestsInFlight.add(request.getMID())) {
                    maxRequestsInFlight.accumulateAndGet(requestsInFlight.size(), Math::max);
                }
            }

            @Override
            public void sendResponse(org.eclipse.californium.core.coap.Response response) {
                requestsInFlight.remove(response.getMID());
            }
        };
    }

    MessageInterceptor blockCounter() {
        return new MessageInterceptor() {
            @Override
            public void receiveRequest(Request request) {
                BlockOption block1 = request.getOptions().getBlock1();
                if (block1 != null && "5/0/0".equals(request.getOptions().getUriPathString())) {
                    onPackageBlock(block1, request.getPayloadSize());
                }
            }
        };
    }

    private synchronized void onPackageBlock(BlockOption block, int payload) {
        if (block.getOffset() == 0) {
            blockBytes = 0;
            blockSizes.clear();
            if (state == IDLE && block.isM() && behaviour.deliveryMethod != 0) {
                set(DOWNLOADING, 0);
            }
        }
        // count by offset: a retransmission repeats bytes already counted, and after a switch to smaller
        // blocks (2.31 Continue with the device's size) the next block starts where the first one ended
        long end = (long) block.getOffset() + payload;
        if (block.getOffset() <= blockBytes && end > blockBytes) {
            blockBytes = end;
            blockSizes.add(block.getSize());
        }
    }

    private void verify(byte[] image) {
        if (image.length > behaviour.flashSize) {
            set(IDLE, 2);
            return;
        }
        TestFirmwareImages.Verdict verdict = TestFirmwareImages.check(image);
        if (verdict.version().isPresent()) {
            downloadedVersion = verdict.version().get();
            set(DOWNLOADED, 0);
        } else {
            set(IDLE, verdict.failure());
        }
    }

    @Override
    public synchronized ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
        if (resourceId != 2) {
            return super.execute(server, resourceId, arguments);
        }
        if (state != DOWNLOADED) {
            return ExecuteResponse.methodNotAllowed();
        }
        set(UPDATING, 0);
        worker.schedule(this::install, behaviour.updateDelay.toMillis(), TimeUnit.MILLISECONDS);
        return ExecuteResponse.success();
    }

    private void install() {
        String version;
        synchronized (this) {
            if (state != UPDATING) {
                return;
            }
            if (behaviour.failUpdate) {
                set(DOWNLOADED, 8);
                return;
            }
            version = downloadedVersion;
            // no notification: the device goes down now, its observations with it
            state = IDLE;
            result = 1;
            states.add(IDLE);
        }
        reboot.accept(version);
    }

    private void set(int newState, int newResult) {
        boolean stateChanged = state != newState;
        boolean resultChanged = result != newResult;
        state = newState;
        result = newResult;
        if (stateChanged) {
            states.add(newState);
            fireResourceChange(3);
        }
        if (resultChanged) {
            fireResourceChange(5);
        }
    }

    /** A Californium configuration for a download client, never written to a file. */
    static Configuration configuration() {
        return FirmwareDownload.configuration(null);
    }

    @Override
    public List<Integer> getAvailableResourceIds(ObjectModel model) {
        return List.of(0, 1, 2, 3, 5, 6, 7, 8, 9);
    }

    void shutdown() {
        worker.shutdownNow();
    }
}
