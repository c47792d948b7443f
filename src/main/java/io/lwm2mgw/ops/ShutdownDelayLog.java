package io.lwm2mgw.ops;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Tells operators that a stop has begun while the gateway still serves: with {@code quarkus.shutdown.delay}
 * set, readiness answers DOWN for that long (so Kubernetes takes the pod out of its Services) before
 * anything stops.
 */
@ApplicationScoped
public class ShutdownDelayLog {

    private static final Logger LOG = Logger.getLogger(ShutdownDelayLog.class);

    @ConfigProperty(name = "quarkus.shutdown.delay", defaultValue = "0s")
    java.time.Duration delay;

    void delayStarted(@Observes ShutdownDelayInitiatedEvent event) {
        if (delay.isZero() || delay.isNegative()) {
            LOG.info("stopping");
        } else {
            LOG.infof("stopping: readiness is DOWN, still serving for %ss before shutdown", delay.toMillis() / 1000.0);
        }
    }
}
