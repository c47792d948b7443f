package io.lwm2mgw.domain.command;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a requester asked its result to go (MQTT 5 request/response: Response Topic and Correlation Data).
 */
public record ReplyAddress(String topic, Optional<byte[]> correlationData) {

    public ReplyAddress {
        Objects.requireNonNull(topic);
        correlationData = correlationData.map(byte[]::clone);
    }

    @Override
    public Optional<byte[]> correlationData() {
        return correlationData.map(byte[]::clone);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReplyAddress r && topic.equals(r.topic)
                && Arrays.equals(correlationData.orElse(null), r.correlationData.orElse(null));
    }

    @Override
    public int hashCode() {
        return 31 * topic.hashCode() + Arrays.hashCode(correlationData.orElse(null));
    }
}
