package io.lwm2mgw.southbound.lwm2m;

import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.domain.device.DeviceState;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.event.DeviceAwake;
import io.lwm2mgw.domain.event.DeviceSleeping;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.event.DeviceDeregistered;
import io.lwm2mgw.domain.event.DeviceEvent;
import io.lwm2mgw.domain.event.DeviceExpired;
import io.lwm2mgw.domain.event.DeviceRegistered;
import io.lwm2mgw.domain.event.DeviceUpdated;
import java.time.Clock;
import java.util.Collection;
import java.util.function.Consumer;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.server.queue.PresenceListener;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.jboss.logging.Logger;

/**
 * Turns Leshan's registration callbacks into domain events. Runs on protocol threads: it only maps and hands
 * off (the fan-out never blocks) and starts auto-observation asynchronously.
 */
final class DeviceLifecycleListener implements RegistrationListener, PresenceListener {

    private static final Logger LOG = Logger.getLogger(DeviceLifecycleListener.class);

    private final Consumer<DeviceEvent> events;
    private final AutoObserveFlow autoObserve;
    private final Clock clock;
    /** Registration ids whose registered event went out and that have not ended. */
    private final java.util.Set<String> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();


    DeviceLifecycleListener(Consumer<DeviceEvent> events, AutoObserveFlow autoObserve, Clock clock) {
        this.events = events;
        this.autoObserve = autoObserve;
        this.clock = clock;
    }

    /** A registration read back from the durable store at start: live, announced before the restart. */
    void restored(Registration reg) {
        announced.add(reg.getId());
    }

    /**
     * Leshan reports a queue-mode device awake before its registration is announced, and may report it
     * sleeping after it de-registered: presence is published only for registrations announced and still live,
     * so the retained status never goes back from deregistered to sleeping.
     */
    @Override
    public void onAwake(Registration reg) {
        if (!announced.contains(reg.getId())) {
            return; // registered() publishes awake right after registered
        }
        LOG.debugf("awake %s", reg.getEndpoint());
        events.accept(new DeviceAwake(clock.instant(), RegistrationMapper.toStatus(reg, DeviceState.AWAKE)));
    }

    @Override
    public void onSleeping(Registration reg) {
        if (!announced.contains(reg.getId())) {
            return;
        }
        LOG.debugf("sleeping %s", reg.getEndpoint());
        events.accept(new DeviceSleeping(clock.instant(), RegistrationMapper.toStatus(reg, DeviceState.SLEEPING)));
    }

    @Override
    public void registered(Registration reg, Registration previous, Collection<Observation> previousObservations) {
        DeviceStatus status = RegistrationMapper.toStatus(reg, DeviceState.REGISTERED);
        if (LOG.isInfoEnabled()) {
            // concatenated, not infof: a %d makes java.util.Formatter load locale symbols on every registration
            LOG.info("registered " + reg.getEndpoint() + " (LwM2M " + status.lwm2mVersion() + ", binding "
                    + status.binding() + ", lifetime " + status.lifetimeSeconds() + "s, " + status.address() + ")"
                    + (previous != null ? " replacing registration " + previous.getId() : ""));
        }
        events.accept(new DeviceRegistered(clock.instant(), status));
        announced.add(reg.getId());
        if (previous != null) {
            announced.remove(previous.getId());
        }
        if (reg.usesQueueMode()) {
            events.accept(new DeviceAwake(clock.instant(), RegistrationMapper.toStatus(reg, DeviceState.AWAKE)));
        }
        autoObserve.onRegistered(reg);
    }

    @Override
    public void updated(RegistrationUpdate update, Registration updated, Registration previous) {
        // a queue-mode device that just sent an Update is awake: the retained status must not say registered
        DeviceState state = updated.usesQueueMode() ? DeviceState.AWAKE : DeviceState.REGISTERED;
        DeviceStatus before = RegistrationMapper.toStatus(previous, state);
        DeviceStatus after = RegistrationMapper.toStatus(updated, state);
        LOG.debugf("updated %s", updated.getEndpoint());
        events.accept(new DeviceUpdated(clock.instant(), after, RegistrationMapper.changes(before, after)));
    }

    @Override
    public void unregistered(Registration reg, Collection<Observation> observations, boolean expired,
            Registration newRegistration) {
        announced.remove(reg.getId());
        if (newRegistration != null) {
            // replaced by a new registration of the same endpoint: registered() reports that one
            return;
        }
        if (expired) {
            LOG.infof("expired %s (no update within lifetime %ss)", reg.getEndpoint(), reg.getLifeTimeInSec());
            events.accept(new DeviceExpired(clock.instant(), RegistrationMapper.toStatus(reg, DeviceState.EXPIRED)));
        } else {
            LOG.infof("deregistered %s", reg.getEndpoint());
            events.accept(new DeviceDeregistered(clock.instant(),
                    RegistrationMapper.toStatus(reg, DeviceState.DEREGISTERED)));
        }
    }
}
