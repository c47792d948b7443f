package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.device.ResourceValue;
import io.lwm2mgw.domain.event.CompositeNotified;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.ResourceNotified;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.function.Consumer;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNode;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.jboss.logging.Logger;

/**
 * Turns notifications into {@link ResourceNotified} events (composite ones into {@link CompositeNotified}), in
 * arrival order. Runs on protocol threads and
 * only maps and hands off. A notification carrying several timestamped values (SenML) yields one event per
 * timestamp, each at its own time.
 */
final class NotificationListener implements ObservationListener {

    private static final Logger LOG = Logger.getLogger(NotificationListener.class);

    private final Consumer<DeviceEvent> events;
    private final Clock clock;

    NotificationListener(Consumer<DeviceEvent> events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void onResponse(SingleObservation observation, Registration reg, ObserveResponse response) {
        publish(reg, observation, response);
    }

    /** Publishes the values of an observe response or notification. */
    void publish(Registration reg, SingleObservation observation, ObserveResponse response) {
        if (!response.isSuccess()) {
            return;
        }
        Lwm2mPath path = toDomain(observation.getPath());
        EndpointName endpoint = EndpointName.of(reg.getEndpoint());
        String observationId = observation.getId().getAsHexString();
        List<TimestampedLwM2mNode> timestamped = response.getTimestampedLwM2mNodes();
        if (timestamped != null && timestamped.size() > 1
                || timestamped != null && timestamped.size() == 1 && timestamped.get(0).isTimestamped()) {
            for (TimestampedLwM2mNode node : timestamped) {
                Instant time = node.isTimestamped() ? node.getTimestamp() : clock.instant();
                emit(time, endpoint, path, observationId, node.getNode());
            }
        } else if (response.getContent() != null) {
            emit(clock.instant(), endpoint, path, observationId, response.getContent());
        }
    }

    /** Leshan's path as ours, without formatting and parsing text on every notification. */
    static Lwm2mPath toDomain(LwM2mPath leshan) {
        Integer[] levels = {leshan.getObjectId(), leshan.getObjectInstanceId(), leshan.getResourceId(),
                leshan.getResourceInstanceId()};
        int depth = 0;
        while (depth < levels.length && levels[depth] != null) {
            depth++;
        }
        int[] ids = new int[depth];
        for (int i = 0; i < depth; i++) {
            ids[i] = levels[i];
        }
        return Lwm2mPath.of(ids);
    }

    private void emit(Instant time, EndpointName endpoint, Lwm2mPath path, String observationId, LwM2mNode node) {
        SortedMap<Lwm2mPath, ResourceValue> values = NodeValueMapper.flatten(path, node);
        events.accept(new ResourceNotified(time, endpoint, path, observationId, values));
    }

    @Override
    public void onResponse(CompositeObservation observation, Registration reg, ObserveCompositeResponse response) {
        publish(reg, observation, response);
    }

    /** The first values of an observation a command set up, single or composite. */
    void publishFirst(Registration reg, LwM2mResponse response) {
        if (response instanceof ObserveCompositeResponse composite) {
            publish(reg, composite.getObservation(), composite);
        } else if (response instanceof ObserveResponse single) {
            publish(reg, single.getObservation(), single);
        }
    }

    /**
     * Publishes the values of an observe-composite response or notification: one event per timestamp when the
     * device sent timestamped (historical) values, else one event now.
     */
    void publish(Registration reg, CompositeObservation observation, ObserveCompositeResponse response) {
        if (!response.isSuccess()) {
            return;
        }
        EndpointName endpoint = EndpointName.of(reg.getEndpoint());
        String observationId = observation.getId().getAsHexString();
        List<Lwm2mPath> paths = observation.getPaths().stream().map(NotificationListener::toDomain).toList();
        TimestampedLwM2mNodes timestamped = response.getTimestampedLwM2mNodes();
        if (timestamped != null && !timestamped.isEmpty()
                && timestamped.getTimestamps().stream().anyMatch(java.util.Objects::nonNull)) {
            for (Instant at : timestamped.getTimestamps()) {
                emitComposite(at != null ? at : clock.instant(), endpoint, paths, observationId,
                        timestamped.getNodesAt(at));
            }
        } else if (response.getContent() != null) {
            emitComposite(clock.instant(), endpoint, paths, observationId, response.getContent());
        }
    }

    private void emitComposite(Instant time, EndpointName endpoint, List<Lwm2mPath> paths, String observationId,
            java.util.Map<LwM2mPath, LwM2mNode> nodes) {
        SortedMap<Lwm2mPath, ResourceValue> values = new java.util.TreeMap<>();
        nodes.forEach((p, node) -> {
            if (node != null) {
                values.putAll(NodeValueMapper.flatten(toDomain(p), node));
            }
        });
        events.accept(new CompositeNotified(time, endpoint, paths, observationId, values));
    }

    @Override
    public void onError(Observation observation, Registration reg, Exception error) {
        LOG.warnf("unreadable notification from %s for %s: %s", reg.getEndpoint(),
                observation instanceof SingleObservation s ? s.getPath() : observation.getId(), error.getMessage());
    }

    @Override
    public void newObservation(Observation observation, Registration reg) {
        // the observe response itself is published by whoever asked for the observation
    }

    @Override
    public void cancelled(Observation observation) {
        LOG.debugf("observation %s cancelled", observation.getId());
    }
}
