package io.lwm2mgw.ops;

import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.device.EndpointName;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.MDC;

/**
 * Puts a command's {@code endpoint}, {@code commandId} and {@code op} into the logging MDC for the span of a
 * try block, and restores what was there before; JSON logs carry them as fields. Thread-local: set on each
 * thread a command's work runs on.
 */
public final class CommandLogContext implements AutoCloseable {

    private static final String[] KEYS = {"endpoint", "commandId", "op"};

    private final Map<String, Object> previous = new HashMap<>();

    private CommandLogContext(String endpoint, String commandId, String op) {
        String[] values = {endpoint, commandId, op};
        for (int i = 0; i < KEYS.length; i++) {
            previous.put(KEYS[i], MDC.get(KEYS[i]));
            if (values[i] == null) {
                MDC.remove(KEYS[i]);
            } else {
                MDC.put(KEYS[i], values[i]);
            }
        }
    }

    public static CommandLogContext of(CommandRequest request) {
        return new CommandLogContext(request.endpoint().value(), request.id(), request.command().op());
    }

    public static CommandLogContext of(CommandResult result) {
        return new CommandLogContext(result.endpoint().map(EndpointName::value).orElse(null),
                result.id().orElse(null), result.op().orElse(null));
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
