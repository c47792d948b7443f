package io.lwm2mgw.sim;

import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One simulated LwM2M device: its socket, registration state, resource values and observations. The
 * client side (Register, Update, De-register with CoAP retransmission) lives here; requests from the
 * server are answered by {@link SimRequests}. Every method runs on the device's {@link FleetThread}.
 */
final class SimDevice {

    /** An observation the server holds on this device. */
    static final class Observation {
        final SimDevice device;
        final byte[] token;
        final String path;
        final int format;
        int sequence = 2;
        int lastMessageId = -1;

        Observation(SimDevice device, byte[] token, String path, int format) {
            this.device = device;
            this.token = token;
            this.path = path;
            this.format = format;
        }

        boolean covers(String resourcePath) {
            return resourcePath.equals(path) || resourcePath.startsWith(path + "/");
        }
    }

    private enum Pending { NONE, REGISTER, UPDATE, DEREGISTER }

    final FleetThread thread;
    final FleetConfig config;
    final String endpoint;
    /** The plain CoAP socket; null for a DTLS device, which talks through {@link #link}. */
    final DatagramChannel channel;
    /** The DTLS transport of a PSK device, set once right after construction; null for plain CoAP. */
    SecureLink link;
    final List<Observation> observations = new ArrayList<>(1);
    Map<String, Object> written;
    double temperature = 20.5;
    int firmwareNextBlock;
    /** Written by the device's thread, read by anyone through {@link Fleet#asleep()}. */
    volatile long awakeUntil;

    /** Instances by object once the server created or deleted one; null while each object has instance 0. */
    private Map<Integer, SortedSet<Integer>> instances;
    /** Instances changed since the last Register or Update told the server: the next Update carries links. */
    private boolean linksChanged;
    /** Bumped whenever a periodic Update is scheduled: an older schedule that fires finds itself stale. */
    private int updateSchedule;
    private String location;
    private int nextMessageId = ThreadLocalRandom.current().nextInt(0x10000);
    private int nextToken = ThreadLocalRandom.current().nextInt();
    private Pending pending = Pending.NONE;
    private CoapMessage pendingRequest;
    private int pendingTries;
    private long registerStarted;

    SimDevice(FleetThread thread, FleetConfig config, String endpoint, DatagramChannel channel) {
        this.thread = thread;
        this.config = config;
        this.endpoint = endpoint;
        this.channel = channel;
    }

    boolean registered() {
        return location != null;
    }

    int messageId() {
        nextMessageId = (nextMessageId + 1) & 0xFFFF;
        return nextMessageId;
    }

    private byte[] token() {
        int t = ++nextToken;
        return new byte[] {(byte) (t >> 24), (byte) (t >> 16), (byte) (t >> 8), (byte) t};
    }

    /** The current value of a resource: what was written, the live temperature, or the model default. */
    Object value(SimObjects.Resource r) {
        if (r.objectId() == 3303 && r.instanceId() == 0 && r.resourceId() == 5700) {
            return temperature;
        }
        if (r.objectId() == 3 && r.resourceId() == 13) {
            return System.currentTimeMillis() / 1000;
        }
        if (r.objectId() == 3 && r.resourceId() == 2) {
            return endpoint;
        }
        Object v = written == null ? null : written.get(r.path());
        return v != null ? v : r.defaultValue();
    }

    /** The instances of {@code objectId} this device has: empty when it does not announce the object. */
    SortedSet<Integer> instancesOf(int objectId) {
        SortedSet<Integer> own = instances == null ? null : instances.get(objectId);
        if (own != null) {
            return own;
        }
        return config.objects.contains(objectId) ? SimObjects.INSTANCE_0 : java.util.Collections.emptySortedSet();
    }

    /** The lowest instance id of {@code objectId} not in use; -1 when all are. */
    int freeInstance(int objectId) {
        SortedSet<Integer> used = instancesOf(objectId);
        for (int id = 0; id <= SimObjects.MAX_INSTANCE_ID; id++) {
            if (!used.contains(id)) {
                return id;
            }
        }
        return -1;
    }

    /** Adds ({@code present}) or removes an instance; the next Update tells the server. */
    void instance(int objectId, int instanceId, boolean present) {
        if (instances == null) {
            instances = new HashMap<>(2);
        }
        SortedSet<Integer> own = instances.computeIfAbsent(objectId, o -> new TreeSet<>(instancesOf(o)));
        if (present) {
            own.add(instanceId);
        } else {
            own.remove(instanceId);
            if (written != null) {
                String prefix = "/" + objectId + "/" + instanceId + "/";
                written.keySet().removeIf(p -> p.startsWith(prefix));
            }
        }
        linksChanged = true;
        update();
    }

    void set(String path, Object value) {
        if (written == null) {
            written = new HashMap<>(4);
        }
        written.put(path, value);
        changed(path);
    }

    /** Sends a notification to every observation that covers {@code resourcePath}. */
    void changed(String resourcePath) {
        for (int i = 0; i < observations.size(); i++) {
            Observation o = observations.get(i);
            if (o.covers(resourcePath)) {
                SimRequests.notify(o);
            }
        }
    }

    boolean asleep(long now) {
        return config.queueMode && now > awakeUntil;
    }

    void sent(long now) {
        awakeUntil = now + config.awakeTime.toNanos();
    }

    // ---- client side: Register, Update, De-register ----

    void register() {
        StringBuilder links = new StringBuilder();
        if (config.lwm2mVersion.equals("1.1")) {
            links.append("</>;rt=\"oma.lwm2m\";ct=11542,");
        }
        links.append(objectLinks());
        CoapMessage m = new CoapMessage(CoapMessage.CON, CoapMessage.POST, messageId(), token())
                .add(CoapMessage.URI_PATH, "rd")
                .add(CoapMessage.CONTENT_FORMAT, SimContentCodec.LINK)
                .add(CoapMessage.URI_QUERY, "ep=" + endpoint)
                .add(CoapMessage.URI_QUERY, "lt=" + config.lifetime)
                .add(CoapMessage.URI_QUERY, "lwm2m=" + config.lwm2mVersion);
        boolean v10 = config.lwm2mVersion.equals("1.0");
        m.add(CoapMessage.URI_QUERY, "b=" + (config.queueMode && v10 ? "UQ" : "U"));
        if (config.queueMode && !v10) {
            m.add(CoapMessage.URI_QUERY, "Q");
        }
        m.payload(links.toString().getBytes(StandardCharsets.UTF_8));
        linksChanged = false;
        registerStarted = System.nanoTime();
        thread.stats.firstRegisterSent.accumulateAndGet(registerStarted, Math::min);
        start(Pending.REGISTER, m);
    }

    /** "</1/0>,</3/0>,</3303/0>,</3303/1>": each instance, or the bare object when it has none left. */
    private String objectLinks() {
        StringBuilder links = new StringBuilder();
        for (int id : config.objects) {
            SortedSet<Integer> own = instancesOf(id);
            if (own.isEmpty()) {
                links.append("</").append(id).append(">,");
            }
            for (int instance : own) {
                links.append("</").append(id).append('/').append(instance).append(">,");
            }
        }
        links.setLength(links.length() - 1);
        return links.toString();
    }

    /**
     * Sends an Update now unless one is under way (then the one that follows it carries what changed); with
     * the object links when instances changed since the server last heard them.
     */
    void update() {
        if (location == null || pending != Pending.NONE) {
            return;
        }
        CoapMessage m = locationRequest(CoapMessage.POST);
        if (linksChanged) {
            linksChanged = false;
            m.add(CoapMessage.CONTENT_FORMAT, SimContentCodec.LINK)
                    .payload(objectLinks().getBytes(StandardCharsets.UTF_8));
        }
        start(Pending.UPDATE, m);
    }

    void deregister() {
        if (location == null) {
            return;
        }
        start(Pending.DEREGISTER, locationRequest(CoapMessage.DELETE));
    }

    private CoapMessage locationRequest(int code) {
        CoapMessage m = new CoapMessage(CoapMessage.CON, code, messageId(), token());
        for (String part : location.substring(1).split("/")) {
            m.add(CoapMessage.URI_PATH, part);
        }
        return m;
    }

    private void start(Pending kind, CoapMessage request) {
        pending = kind;
        pendingRequest = request;
        pendingTries = 0;
        transmit();
    }

    private void transmit() {
        CoapMessage request = pendingRequest;
        thread.send(this, request);
        long timeout = config.ackTimeout.toNanos() << pendingTries;
        thread.schedule(timeout, () -> {
            if (pendingRequest != request) {
                return;
            }
            if (pendingTries < config.maxRetransmit) {
                pendingTries++;
                thread.stats.retransmissions.increment();
                transmit();
            } else {
                finish(null);
            }
        });
    }

    /** A response (or empty ACK/RST) from the server; requests go to {@link SimRequests}. */
    void onResponse(CoapMessage m) {
        if (m.type == CoapMessage.RST) {
            for (int i = 0; i < observations.size(); i++) {
                if (observations.get(i).lastMessageId == m.messageId) {
                    SimRequests.cancel(this, observations.remove(i));
                    return;
                }
            }
        }
        if (m.isEmpty() || pendingRequest == null || !java.util.Arrays.equals(m.token, pendingRequest.token)) {
            return;
        }
        if (m.type == CoapMessage.CON) {
            thread.send(this, new CoapMessage(CoapMessage.ACK, 0, m.messageId, new byte[0]));
        }
        finish(m);
    }

    private void finish(CoapMessage response) {
        Pending kind = pending;
        pending = Pending.NONE;
        pendingRequest = null;
        int code = response == null ? 0 : response.code;
        switch (kind) {
            case REGISTER -> {
                if (code == CoapMessage.code(2, 1)) {
                    location = response.locationPath();
                    thread.stats.registered.increment();
                    thread.stats.recordRegistration((System.nanoTime() - registerStarted) / 1000);
                    updatedOrSchedule();
                } else {
                    thread.stats.registrationsFailed.increment();
                }
                thread.registrationFinished();
            }
            case UPDATE -> {
                if (code == CoapMessage.code(2, 4)) {
                    thread.stats.updates.increment();
                    updatedOrSchedule();
                } else {
                    // unknown registration (4.04) or no answer: register again, as a real client would
                    location = null;
                    thread.stats.registered.decrement();
                    register();
                }
            }
            case DEREGISTER -> {
                location = null;
                clearObservations();
                thread.stats.deregistered.increment();
                thread.stats.registered.decrement();
            }
            default -> { }
        }
    }

    private void clearObservations() {
        while (!observations.isEmpty()) {
            SimRequests.cancel(this, observations.remove(observations.size() - 1));
        }
    }

    /** Tells the server at once about instances that changed while a request was under way, else waits. */
    private void updatedOrSchedule() {
        if (linksChanged) {
            update();
            return;
        }
        int schedule = ++updateSchedule;
        thread.schedule(config.updateNanos(), () -> {
            if (schedule == updateSchedule) {
                update();
            }
        });
    }
}
