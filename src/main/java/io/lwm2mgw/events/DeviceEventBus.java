package io.lwm2mgw.events;

import io.lwm2mgw.domain.event.DeviceEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import java.util.Comparator;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The in-process event bus: the southbound, the command router and the firmware flow publish domain events
 * here, and every {@link DeviceEventListener} (northbound publisher, metrics, firmware flow) receives them.
 * Publishing is synchronous and in call order: events of one device reach each listener in the order they
 * were published. A failing listener is logged and does not stop the others.
 */
@ApplicationScoped
public class DeviceEventBus {

    private static final Logger LOG = Logger.getLogger(DeviceEventBus.class);

    // resolved lazily: listeners (the firmware flow) publish through this bus themselves
    private final Instance<DeviceEventListener> candidates;
    private volatile List<DeviceEventListener> listeners;

    public DeviceEventBus(@Any Instance<DeviceEventListener> candidates) {
        this.candidates = candidates;
    }

    /** A bus with a fixed set of listeners (unit tests). */
    public static DeviceEventBus of(List<DeviceEventListener> listeners) {
        DeviceEventBus bus = new DeviceEventBus(null);
        bus.listeners = sorted(listeners);
        return bus;
    }

    public void publish(DeviceEvent event) {
        for (DeviceEventListener listener : listeners()) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.errorf("listener %s failed on %s of %s: %s", listener.getClass().getSimpleName(),
                        event.getClass().getSimpleName(), event.endpoint(), e.toString());
            }
        }
    }

    private List<DeviceEventListener> listeners() {
        List<DeviceEventListener> current = listeners;
        if (current == null) {
            current = sorted(candidates.stream().toList());
            listeners = current;
        }
        return current;
    }

    private static List<DeviceEventListener> sorted(List<DeviceEventListener> listeners) {
        return listeners.stream().sorted(Comparator.comparingInt(DeviceEventListener::order)).toList();
    }
}
