package io.lwm2mgw.sim;

import io.lwm2mgw.sim.SimDevice.Observation;
import io.lwm2mgw.sim.SimObjects.Resource;
import io.lwm2mgw.sim.SimObjects.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * How a simulated device answers the server: Read, Discover, Write (text, opaque, TLV, SenML JSON),
 * Write-Attributes, Execute, Observe and its cancellation, Create and Delete of instances of multi-instance
 * objects (4.05 on the others, as a real device answers), and a Block1 firmware write on /5/0/0
 * (2.31 Continue per block, 2.04 on the last). Runs on the device's fleet thread.
 */
final class SimRequests {

    private static final int CREATED = CoapMessage.code(2, 1);
    private static final int DELETED = CoapMessage.code(2, 2);
    private static final int CONTENT = CoapMessage.code(2, 5);
    private static final int CHANGED = CoapMessage.code(2, 4);
    private static final int CONTINUE = CoapMessage.code(2, 31);
    private static final int BAD_REQUEST = CoapMessage.code(4, 0);
    private static final int NOT_FOUND = CoapMessage.code(4, 4);
    private static final int NOT_ALLOWED = CoapMessage.code(4, 5);
    private static final int NOT_ACCEPTABLE = CoapMessage.code(4, 6);
    private static final int INCOMPLETE = CoapMessage.code(4, 8);
    private static final int UNSUPPORTED_FORMAT = CoapMessage.code(4, 15);

    private SimRequests() {
    }

    static void handle(SimDevice d, CoapMessage request) {
        FleetStats stats = d.thread.stats;
        stats.requestsServed.increment();
        String path = request.uriPath();
        switch (request.code) {
            case CoapMessage.GET -> read(d, request, path);
            case CoapMessage.PUT -> {
                stats.writes.increment();
                if (path.equals("/5/0/0")) {
                    firmwareBlock(d, request);
                } else if (request.payload.length == 0 && !request.uriQueries().isEmpty()) {
                    respond(d, request, reply(request, CHANGED)); // write-attributes: accepted, not enforced
                } else {
                    write(d, request, path);
                }
            }
            case CoapMessage.POST -> {
                Resource r = SimObjects.resource(path);
                if (r != null && r.type() == Type.EXECUTE && d.config.objects.contains(r.objectId())) {
                    stats.executes.increment();
                    execute(d, request, path);
                } else if (SimObjects.depth(path) == 2) {
                    stats.writes.increment();
                    write(d, request, path);
                } else if (SimObjects.depth(path) == 1 && !path.equals("/")) {
                    stats.writes.increment();
                    create(d, request, path);
                } else {
                    respond(d, request, reply(request, NOT_ALLOWED));
                }
            }
            case CoapMessage.DELETE -> {
                stats.writes.increment();
                delete(d, request, path);
            }
            default -> respond(d, request, reply(request, NOT_ALLOWED));
        }
    }

    private static void read(SimDevice d, CoapMessage request, String path) {
        long accept = request.uintOption(CoapMessage.ACCEPT);
        List<Resource> resources = SimObjects.under(path, d::instancesOf);
        if (resources.isEmpty()) {
            respond(d, request, reply(request, NOT_FOUND));
            return;
        }
        if (accept == SimContentCodec.LINK) {
            respond(d, request, reply(request, CONTENT).add(CoapMessage.CONTENT_FORMAT, SimContentCodec.LINK)
                    .payload(links(path, resources)));
            return;
        }
        int format = accept >= 0 ? (int) accept
                : SimObjects.depth(path) == 3 && resources.get(0).type() != Type.OPAQUE ? SimContentCodec.TEXT
                : SimContentCodec.TLV;
        byte[] payload = SimContentCodec.encode(format, path, resources, d::value);
        if (payload == null) {
            respond(d, request, reply(request, resources.stream().anyMatch(Resource::readable)
                    ? NOT_ACCEPTABLE : NOT_ALLOWED));
            return;
        }
        CoapMessage response = reply(request, CONTENT).add(CoapMessage.CONTENT_FORMAT, format).payload(payload);
        long observe = request.uintOption(CoapMessage.OBSERVE);
        if (observe == 0) {
            d.thread.stats.observes.increment();
            removeObservation(d, request.token, path);
            Observation o = new Observation(d, request.token, path, format);
            d.observations.add(o);
            d.thread.stats.observationsActive.increment();
            if (o.covers("/3303/0/5700") || "/3303/0/5700".startsWith(path + "/")) {
                d.thread.addSensor(o);
            }
            response.add(CoapMessage.OBSERVE, o.sequence++);
        } else {
            if (observe == 1) {
                removeObservation(d, request.token, path);
            }
            d.thread.stats.reads.increment();
        }
        respond(d, request, response);
    }

    private static void removeObservation(SimDevice d, byte[] token, String path) {
        for (int i = d.observations.size() - 1; i >= 0; i--) {
            Observation o = d.observations.get(i);
            if (java.util.Arrays.equals(o.token, token) || o.path.equals(path)) {
                cancel(d, d.observations.remove(i));
            }
        }
    }

    static void cancel(SimDevice d, Observation o) {
        d.thread.stats.observationsActive.decrement();
        d.thread.removeSensor(o);
    }

    private static byte[] links(String path, List<Resource> resources) {
        StringBuilder b = new StringBuilder("<").append(path).append(">");
        int instance = -1;
        for (Resource r : resources) {
            if (SimObjects.depth(path) == 1 && r.instanceId() != instance) {
                instance = r.instanceId();
                b.append(",<").append(path).append('/').append(instance).append(">");
            }
            b.append(",<").append(r.path()).append(">");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Create (POST /{object}): 2.01 with Location-Path /{object}/{id} on a multi-instance object, the id from
     * the payload or the lowest free one, resources not given at their model defaults; then an Update.
     */
    private static void create(SimDevice d, CoapMessage request, String path) {
        int objectId;
        try {
            objectId = Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            respond(d, request, reply(request, NOT_FOUND));
            return;
        }
        if (!d.config.objects.contains(objectId)) {
            respond(d, request, reply(request, NOT_FOUND));
            return;
        }
        if (!SimObjects.multiInstance(objectId)) {
            respond(d, request, reply(request, NOT_ALLOWED));
            return;
        }
        SimContentCodec.Created created;
        try {
            created = SimContentCodec.decodeCreate((int) request.uintOption(CoapMessage.CONTENT_FORMAT), objectId,
                    request.payload);
        } catch (IllegalArgumentException e) {
            respond(d, request, reply(request, e.getMessage() != null && e.getMessage().startsWith("content format")
                    ? UNSUPPORTED_FORMAT : BAD_REQUEST));
            return;
        } catch (RuntimeException e) {
            respond(d, request, reply(request, BAD_REQUEST));
            return;
        }
        int id = created.instanceId() >= 0 ? created.instanceId() : d.freeInstance(objectId);
        if (id < 0 || d.instancesOf(objectId).contains(id)) {
            respond(d, request, reply(request, BAD_REQUEST)); // the instance exists already (spec: 4.00)
            return;
        }
        respond(d, request, reply(request, CREATED).add(CoapMessage.LOCATION_PATH, Integer.toString(objectId))
                .add(CoapMessage.LOCATION_PATH, Integer.toString(id)));
        d.instance(objectId, id, true);
        created.values().forEach((resourceId, v) -> d.set("/" + objectId + "/" + id + "/" + resourceId, v));
    }

    /** Delete (DELETE /{object}/{instance}): 2.02 on a multi-instance object's instance, then an Update. */
    private static void delete(SimDevice d, CoapMessage request, String path) {
        String[] parts = path.substring(1).split("/");
        int objectId;
        int instance;
        try {
            objectId = Integer.parseInt(parts[0]);
            instance = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            respond(d, request, reply(request, NOT_FOUND));
            return;
        }
        if (!d.config.objects.contains(objectId)) {
            respond(d, request, reply(request, NOT_FOUND));
        } else if (parts.length != 2 || !SimObjects.multiInstance(objectId)) {
            respond(d, request, reply(request, NOT_ALLOWED));
        } else if (!d.instancesOf(objectId).contains(instance)) {
            respond(d, request, reply(request, NOT_FOUND));
        } else {
            respond(d, request, reply(request, DELETED));
            String prefix = "/" + objectId + "/" + instance;
            for (int i = d.observations.size() - 1; i >= 0; i--) {
                String observed = d.observations.get(i).path;
                if (observed.equals(prefix) || observed.startsWith(prefix + "/")) {
                    cancel(d, d.observations.remove(i));
                }
            }
            d.instance(objectId, instance, false);
        }
    }

    private static void write(SimDevice d, CoapMessage request, String path) {
        if (SimObjects.under(path, d::instancesOf).isEmpty()) {
            respond(d, request, reply(request, NOT_FOUND));
            return;
        }
        Map<String, Object> values;
        try {
            values = SimContentCodec.decode((int) request.uintOption(CoapMessage.CONTENT_FORMAT), path, request.payload);
        } catch (IllegalArgumentException e) {
            respond(d, request, reply(request, e.getMessage() != null && e.getMessage().startsWith("content format")
                    ? UNSUPPORTED_FORMAT : BAD_REQUEST));
            return;
        } catch (RuntimeException e) {
            respond(d, request, reply(request, BAD_REQUEST));
            return;
        }
        respond(d, request, reply(request, CHANGED));
        values.forEach((p, v) -> {
            if (p.equals("/3303/0/5700")) {
                d.temperature = (Double) v;
                d.changed(p);
            } else {
                d.set(p, v);
            }
        });
    }

    private static void execute(SimDevice d, CoapMessage request, String path) {
        if (!path.equals("/5/0/2")) {
            respond(d, request, reply(request, CHANGED));
            return;
        }
        if (!Long.valueOf(2).equals(d.value(SimObjects.resource("/5/0/3")))) {
            respond(d, request, reply(request, NOT_ALLOWED)); // nothing downloaded to apply
            return;
        }
        respond(d, request, reply(request, CHANGED));
        d.set("/5/0/3", 3L);
        d.thread.schedule(100_000_000L, () -> {
            d.set("/3/0/3", "1.0.1");
            d.set("/5/0/5", 1L);
            d.set("/5/0/3", 0L);
            d.thread.stats.firmwareUpdatesApplied.increment();
        });
    }

    private static void firmwareBlock(SimDevice d, CoapMessage request) {
        long block = request.uintOption(CoapMessage.BLOCK1);
        if (block < 0) {
            // the whole image in one message: a single byte 0 (or nothing) resets, anything else is an image
            boolean reset = request.payload.length <= 1;
            respond(d, request, reply(request, CHANGED));
            firmwareStored(d, reset);
            return;
        }
        int num = (int) (block >> 4);
        boolean more = (block & 0x8) != 0;
        int szx = (int) (block & 0x7);
        if (num == 0) {
            d.firmwareNextBlock = 0;
        }
        if (num != d.firmwareNextBlock && num != d.firmwareNextBlock - 1) {
            respond(d, request, reply(request, INCOMPLETE));
            return;
        }
        boolean duplicate = num == d.firmwareNextBlock - 1;
        if (!duplicate) {
            d.firmwareNextBlock++;
            d.thread.stats.blocksReceived.increment();
            d.thread.stats.firmwareBytes.add(request.payload.length);
        }
        CoapMessage response = reply(request, more ? CONTINUE : CHANGED)
                .add(CoapMessage.BLOCK1, (long) num << 4 | (more ? 0x8 : 0) | szx);
        respond(d, request, response);
        if (!duplicate && num == 0) {
            d.set("/5/0/5", 0L);
            d.set("/5/0/3", 1L);
        }
        if (!duplicate && !more) {
            firmwareStored(d, false);
        }
    }

    private static void firmwareStored(SimDevice d, boolean reset) {
        if (reset) {
            d.set("/5/0/3", 0L);
            d.set("/5/0/5", 0L);
            return;
        }
        d.thread.stats.firmwareWritesCompleted.increment();
        d.set("/5/0/3", 2L);
    }

    /** Sends one notification of {@code o} with the device's current values. */
    static void notify(Observation o) {
        SimDevice d = o.device;
        byte[] payload = SimContentCodec.encode(o.format, o.path, SimObjects.under(o.path, d::instancesOf), d::value);
        if (payload == null) {
            return;
        }
        int type = d.config.confirmableNotifications ? CoapMessage.CON : CoapMessage.NON;
        CoapMessage m = new CoapMessage(type, CONTENT, d.messageId(), o.token)
                .add(CoapMessage.OBSERVE, o.sequence)
                .add(CoapMessage.CONTENT_FORMAT, o.format)
                .payload(payload);
        o.sequence = (o.sequence + 1) & 0xFFFFFF;
        o.lastMessageId = m.messageId;
        d.thread.stats.notificationsSent.increment();
        d.thread.send(d, m);
    }

    private static CoapMessage reply(CoapMessage request, int code) {
        boolean con = request.type == CoapMessage.CON;
        return new CoapMessage(con ? CoapMessage.ACK : CoapMessage.NON, code, con ? request.messageId : -1,
                request.token);
    }

    private static void respond(SimDevice d, CoapMessage request, CoapMessage response) {
        if (response.messageId < 0) {
            response.messageId = d.messageId();
        }
        d.thread.send(d, response);
    }
}
