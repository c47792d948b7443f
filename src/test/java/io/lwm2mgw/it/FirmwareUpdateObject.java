package io.lwm2mgw.it;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
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
 * Object 5 with the state machine of spec E.6 on a test device: Package (push) and Package URI (pull over
 * CoAP with Block2), State, Update Result, Update, and a "reboot" that installs the image's version as the
 * Device object's Firmware Version and registers again. Images are checked like a bootloader would
 * ({@link TestFirmwareImages}).
 */
public final class FirmwareUpdateObject extends BaseInstanceEnabler {

    static final int IDLE = 0;
    static final int DOWNLOADING = 1;
    static final int DOWNLOADED = 2;
    static final int UPDATING = 3;

    /** How the device behaves; the defaults are a well-behaved device supporting push and CoAP pull. */
    public static final class Behaviour {
        int deliveryMethod = 2;
        List<Integer> protocols = List.of(0);
        boolean refuseObserve;
        boolean failUpdate;
        Duration updateDelay = Duration.ofMillis(300);

        public Behaviour pullOnly() {
            deliveryMethod = 0;
            return this;
        }

        public Behaviour pushOnly() {
            deliveryMethod = 1;
            return this;
        }

        public Behaviour httpOnly() {
            protocols = List.of(2, 3);
            return this;
        }

        public Behaviour refusingObserve() {
            refuseObserve = true;
            return this;
        }

        public Behaviour updatingFor(Duration delay) {
            updateDelay = delay;
            return this;
        }

        public Behaviour failingUpdate() {
            failUpdate = true;
            return this;
        }
    }

    private final Behaviour behaviour;
    private final Consumer<String> reboot;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fw-device");
        t.setDaemon(true);
        return t;
    });
    private volatile int state = IDLE;
    private volatile int result = 0;
    private volatile String downloadedVersion;
    volatile String lastUri;
    private volatile long bytesReceived;
    final AtomicInteger packagesReceived = new AtomicInteger();

    /** Leshan wants a default constructor to build an instance factory; devices use the other one. */
    public FirmwareUpdateObject() {
        this(new Behaviour(), version -> { });
    }

    /** @param reboot called with the new version when an update succeeds: the device restarts with it */
    FirmwareUpdateObject(Behaviour behaviour, Consumer<String> reboot) {
        super(0);
        this.behaviour = behaviour;
        this.reboot = reboot;
    }

    long bytesReceived() {
        return bytesReceived;
    }

    int state() {
        return state;
    }

    int updateResult() {
        return result;
    }

    @Override
    public synchronized ReadResponse read(LwM2mServer server, int resourceId) {
        switch (resourceId) {
            case 1: return ReadResponse.success(resourceId, "");
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
            byte[] image = (byte[]) value.getValue();
            if (image.length == 0) {
                set(IDLE, 0);
                return WriteResponse.success();
            }
            if (behaviour.deliveryMethod == 0) {
                return WriteResponse.methodNotAllowed();
            }
            if (state != IDLE) {
                return WriteResponse.badRequest("package written in state " + state);
            }
            packagesReceived.incrementAndGet();
            bytesReceived = image.length;
            set(DOWNLOADING, 0);
            verify(image);
            return WriteResponse.success();
        }
        if (resourceId == 1) {
            String uri = (String) value.getValue();
            if (uri.isEmpty()) {
                set(IDLE, 0);
                return WriteResponse.success();
            }
            if (behaviour.deliveryMethod == 1) {
                return WriteResponse.methodNotAllowed();
            }
            if (state != IDLE) {
                return WriteResponse.badRequest("package URI written in state " + state);
            }
            lastUri = uri;
            set(DOWNLOADING, 0);
            worker.execute(() -> pull(uri));
            return WriteResponse.success();
        }
        return super.write(server, replace, resourceId, value);
    }

    private void pull(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            fail(7);
            return;
        }
        int protocol = "coap".equals(parsed.getScheme()) ? 0 : "coaps".equals(parsed.getScheme()) ? 1
                : "http".equals(parsed.getScheme()) ? 2 : "https".equals(parsed.getScheme()) ? 3 : -1;
        if (protocol < 0) {
            fail(7);
            return;
        }
        if (!behaviour.protocols.contains(protocol) || protocol != 0) {
            fail(9);
            return;
        }
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(configuration()).build();
        CoapClient client = new CoapClient(uri);
        client.setEndpoint(endpoint);
        client.setTimeout(10_000L);
        try {
            CoapResponse response = client.get();
            if (response == null || !response.isSuccess()) {
                fail(4);
                return;
            }
            byte[] image = response.getPayload();
            synchronized (this) {
                packagesReceived.incrementAndGet();
                bytesReceived = image.length;
                verify(image);
            }
        } catch (Exception e) {
            fail(4);
        } finally {
            client.shutdown();
            endpoint.destroy();
        }
    }

    private synchronized void fail(int code) {
        set(IDLE, code);
    }

    private void verify(byte[] image) {
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
            if (behaviour.failUpdate) {
                set(DOWNLOADED, 8);
                return;
            }
            version = downloadedVersion;
            state = IDLE;
            result = 1;
        }
        reboot.accept(version);
    }

    private void set(int newState, int newResult) {
        boolean stateChanged = state != newState;
        boolean resultChanged = result != newResult;
        state = newState;
        result = newResult;
        if (stateChanged) {
            fireResourceChange(3);
        }
        if (resultChanged) {
            fireResourceChange(5);
        }
    }

    /** A Californium configuration for the device's own download client, never written to a file. */
    static Configuration configuration() {
        CoapConfig.register();
        UdpConfig.register();
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 64 * 1024 * 1024);
        return config;
    }

    @Override
    public List<Integer> getAvailableResourceIds(ObjectModel model) {
        return List.of(0, 1, 2, 3, 5, 6, 7, 8, 9);
    }

    void shutdown() {
        worker.shutdownNow();
    }
}
