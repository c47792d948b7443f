package io.lwm2mgw.firmware;

import io.lwm2mgw.domain.command.CommandRequest;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Puts a firmware update's {@code endpoint}, {@code commandId} and {@code op} into the logging MDC, the fields
 * {@code ops.CommandLogContext} sets for every command (firmware sits below ops and cannot use it), and restores
 * what was there before. Each step of an update runs through {@link #bound}, on the flow's thread, in its timers
 * and after a device's answer, so that every line it logs carries them. Thread-local, like the MDC.
 */
final class UpdateLogContext implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FirmwareUpdateFlow.class);
    private static final String[] KEYS = {"endpoint", "commandId", "op"};

    private final Object[] previous = new Object[KEYS.length];

    private UpdateLogContext(CommandRequest request) {
        String[] values = {request.endpoint().value(), request.id(), request.command().op()};
        for (int i = 0; i < KEYS.length; i++) {
            previous[i] = MDC.get(KEYS[i]);
            MDC.put(KEYS[i], values[i]);
        }
    }

    static UpdateLogContext of(CommandRequest request) {
        return new UpdateLogContext(request);
    }

    /**
     * {@code step} run within the context of {@code request}; a step that throws is logged in that context and
     * goes no further, as every flow step.
     */
    static Runnable bound(CommandRequest request, Runnable step) {
        return () -> {
            try (UpdateLogContext ignored = of(request)) {
                step.run();
            } catch (RuntimeException e) {
                try (UpdateLogContext again = of(request)) {
                    LOG.errorf(e, "firmware update %s step failed", request.id());
                }
            }
        };
    }

    /** The fields on the calling thread now, to log with later on another one (a download the update waits for). */
    static Captured captured() {
        Object[] values = new Object[KEYS.length];
        for (int i = 0; i < KEYS.length; i++) {
            values[i] = MDC.get(KEYS[i]);
        }
        return new Captured(values);
    }

    /** Fields taken on one thread, put back around a log line on another. */
    static final class Captured {
        private final Object[] values;

        private Captured(Object[] values) {
            this.values = values;
        }

        void log(Runnable line) {
            Object[] before = captured().values;
            put(values);
            try {
                line.run();
            } finally {
                put(before);
            }
        }
    }

    private static void put(Object[] values) {
        for (int i = 0; i < KEYS.length; i++) {
            if (values[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], values[i]);
            }
        }
    }

    @Override
    public void close() {
        put(previous);
    }
}
