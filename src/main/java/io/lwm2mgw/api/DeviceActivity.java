package io.lwm2mgw.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import io.lwm2mgw.domain.event.BootstrapEnded;
import io.lwm2mgw.domain.event.CompositeNotified;
import io.lwm2mgw.domain.event.DataSent;
import io.lwm2mgw.domain.event.DeviceDeregistered;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceExpired;
import io.lwm2mgw.domain.event.DeviceLifecycleEvent;
import io.lwm2mgw.domain.event.FirmwareProgressed;
import io.lwm2mgw.domain.event.RegistrationRefused;
import io.lwm2mgw.domain.event.ResourceNotified;
import io.lwm2mgw.events.DeviceEventListener;
import io.lwm2mgw.northbound.EventCodec;
import io.lwm2mgw.northbound.OutboundMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * What the operator API shows beyond a registration, learned as a listener on the bus: the time of each
 * device's last status change, the last value seen of every path its observations and Sends reported, its
 * recent events and its last firmware progress. Also hands every event and reading, encoded as the contract's
 * documents, to the {@link EventStream}. Called on protocol threads: it only records and offers, never blocks.
 * A device's entry goes when its registration ends, so memory follows the registered fleet.
 */
@ApplicationScoped
public class DeviceActivity implements DeviceEventListener {

    private static final Logger LOG = Logger.getLogger(DeviceActivity.class);

    /** A value and when it was seen. */
    public record TimedValue(ResourceValue value, Instant time) {
    }

    /** One device's recorded activity; a snapshot, safe to read on any thread. */
    public record Snapshot(Optional<Instant> statusTime, SortedMap<Lwm2mPath, TimedValue> values,
            List<String> events, Optional<String> firmware) {
    }

    private static final class Device {
        Instant statusTime;
        final SortedMap<Lwm2mPath, TimedValue> values = new TreeMap<>();
        /** Grown as events come (up to events-per-device): a quiet device has one or two. */
        final ArrayDeque<String> events = new ArrayDeque<>(2);
        String firmware;
    }

    private final EventCodec codec;
    private final EventStream stream;
    private final int eventsPerDevice;
    private final Map<EndpointName, Device> devices = new ConcurrentHashMap<>();

    public DeviceActivity(ObjectMapper mapper, GatewayConfig config, EventStream stream, java.time.Clock clock) {
        this.codec = EventCodec.withRandomIds(mapper, config.id(), clock);
        this.stream = stream;
        this.eventsPerDevice = Math.max(0, config.http().api().eventsPerDevice());
    }

    @Override
    public void onEvent(DeviceEvent event) {
        List<Reading> readings = event.accept(READINGS);
        boolean reading = readings != null;
        if (reading) {
            record(event.endpoint(), readings);
        }
        if (reading && !stream.hasClients()) {
            return; // telemetry is encoded only for someone listening; events are kept for the history
        }
        if (event instanceof DeviceLifecycleEvent lifecycle && !stream.hasClients()) {
            // the history keeps the event document only: no status message, no ids (a registration storm
            // encoded both twice, here and for the brokers)
            byte[] payload = encoded(event, () -> codec.lifecyclePayload(lifecycle));
            if (payload != null) {
                remember(event, new String(payload, StandardCharsets.UTF_8));
            }
            return;
        }
        List<OutboundMessage> messages = encoded(event, () -> codec.encode(event));
        if (messages == null) {
            return;
        }
        for (OutboundMessage message : messages) {
            if (message.channel() == OutboundMessage.Channel.STATUS) {
                continue;
            }
            String json = new String(message.payload(), StandardCharsets.UTF_8);
            if (message.channel() == OutboundMessage.Channel.EVENT) {
                remember(event, json);
            }
            stream.offer(event.endpoint(), message.channel() == OutboundMessage.Channel.TELEMETRY ? "data" : "event",
                    json);
        }
    }

    /** What {@code encoding} gives, or null (logged at debug) when the event cannot be encoded. */
    private static <T> T encoded(DeviceEvent event, Supplier<T> encoding) {
        try {
            return encoding.get();
        } catch (RuntimeException e) {
            LOG.debugf("cannot encode %s of %s for the API: %s", event.getClass().getSimpleName(),
                    event.endpoint(), e.toString());
            return null;
        }
    }

    /** One value an event reported, at its time. */
    private record Reading(Lwm2mPath path, ResourceValue value, Instant time) {
    }

    /** The values an event reports (observations, composite observations, Sends), or null for other events. */
    private static final DeviceEvent.Visitor<List<Reading>> READINGS = new DeviceEvent.Visitor<>() {
        @Override
        public List<Reading> lifecycle(DeviceLifecycleEvent event) {
            return null;
        }

        @Override
        public List<Reading> notified(ResourceNotified event) {
            return readings(event.values(), event.time());
        }

        @Override
        public List<Reading> compositeNotified(CompositeNotified event) {
            return readings(event.values(), event.time());
        }

        @Override
        public List<Reading> sent(DataSent event) {
            List<Reading> all = new ArrayList<>();
            event.readings().forEach(r -> all.addAll(readings(r.values(), r.time())));
            return all;
        }

        @Override
        public List<Reading> firmware(FirmwareProgressed event) {
            return null;
        }

        @Override
        public List<Reading> refused(RegistrationRefused event) {
            return null;
        }

        @Override
        public List<Reading> bootstrap(BootstrapEnded event) {
            return null;
        }

        private List<Reading> readings(Map<Lwm2mPath, ResourceValue> values, Instant time) {
            List<Reading> all = new ArrayList<>(values.size());
            values.forEach((path, value) -> all.add(new Reading(path, value, time)));
            return all;
        }
    };

    private void record(EndpointName endpoint, List<Reading> readings) {
        Device device = devices.computeIfAbsent(endpoint, ep -> new Device());
        synchronized (device) {
            for (Reading r : readings) {
                // a Send may carry older readings after newer ones: the newest stays
                device.values.merge(r.path(), new TimedValue(r.value(), r.time()),
                        (old, now) -> now.time().isBefore(old.time()) ? old : now);
            }
        }
    }

    private void remember(DeviceEvent event, String json) {
        if (event instanceof DeviceDeregistered || event instanceof DeviceExpired) {
            devices.remove(event.endpoint());
            return;
        }
        Device device = devices.computeIfAbsent(event.endpoint(), ep -> new Device());
        synchronized (device) {
            if (event instanceof DeviceLifecycleEvent) {
                device.statusTime = event.time();
            }
            if (event instanceof FirmwareProgressed) {
                device.firmware = json;
            }
            device.events.addLast(json);
            while (device.events.size() > eventsPerDevice) {
                device.events.removeFirst();
            }
        }
    }

    /** What is recorded of the device (empty parts when nothing is). */
    public Snapshot of(EndpointName endpoint) {
        Device device = devices.get(endpoint);
        if (device == null) {
            return new Snapshot(Optional.empty(), new TreeMap<>(), List.of(), Optional.empty());
        }
        synchronized (device) {
            return new Snapshot(Optional.ofNullable(device.statusTime), new TreeMap<>(device.values),
                    new ArrayList<>(device.events), Optional.ofNullable(device.firmware));
        }
    }

    /** When the device's status last changed, if this gateway saw it change. */
    public Optional<Instant> statusTime(EndpointName endpoint) {
        Device device = devices.get(endpoint);
        if (device == null) {
            return Optional.empty();
        }
        synchronized (device) {
            return Optional.ofNullable(device.statusTime);
        }
    }
}
