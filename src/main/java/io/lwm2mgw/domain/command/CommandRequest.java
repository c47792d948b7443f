package io.lwm2mgw.domain.command;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated command on its way to a device.
 *
 * @param id        the requester's id, or one the gateway generated
 * @param timeout   how long to wait for the device once the request is sent
 * @param ttl       how long the command may wait for a sleeping device
 * @param replyTo   where the requester wants the result, if it said so
 * @param retry     the requester allows a non-idempotent op (execute, create, delete) that was in flight when
 *                  the gateway stopped to be sent again; otherwise it ends {@code failed}
 */
public record CommandRequest(String id, EndpointName endpoint, DeviceCommand command, Duration timeout,
        Duration ttl, Instant receivedAt, Optional<ReplyAddress> replyTo, boolean retry) {

    /** A request that is not repeated after a gateway crash unless its op is idempotent. */
    public CommandRequest(String id, EndpointName endpoint, DeviceCommand command, Duration timeout,
            Duration ttl, Instant receivedAt, Optional<ReplyAddress> replyTo) {
        this(id, endpoint, command, timeout, ttl, receivedAt, replyTo, false);
    }

    public CommandRequest {
        Objects.requireNonNull(id);
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(command);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(ttl);
        Objects.requireNonNull(receivedAt);
        Objects.requireNonNull(replyTo);
    }
}
