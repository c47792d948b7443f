package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.event.DataSent;
import io.lwm2mgw.domain.event.DeviceEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.request.SendRequest;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.send.SendListener;
import org.jboss.logging.Logger;

/**
 * Turns each LwM2M 1.1 Send ({@code POST /dp}) into one {@link DataSent} event: one reading per path and
 * timestamp, so a Send batching several readings of one path keeps them all. Runs on protocol threads and only
 * maps and hands off; Leshan has already answered the device (2.04, or 4.00 for what it could not decode).
 */
final class SendDataListener implements SendListener {

    private static final Logger LOG = Logger.getLogger(SendDataListener.class);
    private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);
    private static final int MAX_THROTTLED = 10_000;

    private final Consumer<DeviceEvent> events;
    private final Clock clock;
    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();

    SendDataListener(Consumer<DeviceEvent> events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void dataReceived(Registration registration, TimestampedLwM2mNodes data, SendRequest request) {
        Instant received = clock.instant();
        List<DataSent.Reading> readings = readings(data, received);
        if (!readings.isEmpty()) {
            events.accept(new DataSent(received, EndpointName.of(registration.getEndpoint()), readings));
        }
    }

    /** The readings of a Send, oldest first; values without a timestamp count as received now. */
    static List<DataSent.Reading> readings(TimestampedLwM2mNodes data, Instant received) {
        List<DataSent.Reading> readings = new ArrayList<>();
        for (Instant timestamp : data.getTimestamps()) {
            Instant time = timestamp == null ? received : timestamp;
            for (Map.Entry<LwM2mPath, LwM2mNode> node : data.getNodesAt(timestamp).entrySet()) {
                if (node.getValue() == null) {
                    continue;
                }
                Lwm2mPath path = NotificationListener.toDomain(node.getKey());
                readings.add(new DataSent.Reading(time, path, NodeValueMapper.flatten(path, node.getValue())));
            }
        }
        readings.sort(Comparator.comparing(DataSent.Reading::time)); // stable: path order within one time
        return readings;
    }

    @Override
    public void onError(Registration registration, String errorMessage, Exception error) {
        String endpoint = registration == null ? "?" : registration.getEndpoint();
        Instant now = clock.instant();
        Instant last = lastLogged.get(endpoint);
        if (last != null && last.plus(LOG_INTERVAL).isAfter(now)) {
            return;
        }
        if (lastLogged.size() >= MAX_THROTTLED) {
            lastLogged.clear();
        }
        lastLogged.put(endpoint, now);
        LOG.warnf("refused a Send from %s: %s (next such line for it after %ds at the earliest)", endpoint,
                errorMessage != null ? errorMessage : error == null ? "unreadable" : error.getMessage(),
                LOG_INTERVAL.toSeconds());
    }
}
