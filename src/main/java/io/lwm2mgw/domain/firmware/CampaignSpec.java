package io.lwm2mgw.domain.firmware;

import io.lwm2mgw.domain.device.EndpointName;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A firmware campaign as started: one image for a list of devices, updated at most {@code maxConcurrent} at a
 * time, stopped once the share of failed devices exceeds {@code maxFailureRatio}.
 *
 * @param timeout per device, the whole update; empty for the gateway's default
 * @param ttl     per device, how long an update may wait for a sleeping device; empty for the default
 */
public record CampaignSpec(String id, List<EndpointName> endpoints, FirmwareImageSource image,
        FirmwareDelivery delivery, boolean executeUpdate, int maxConcurrent, double maxFailureRatio,
        Optional<Duration> timeout, Optional<Duration> ttl) {

    public CampaignSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(image);
        Objects.requireNonNull(delivery);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(ttl);
        if (id.isEmpty() || id.contains("/") || id.contains("+") || id.contains("#")) {
            throw new IllegalArgumentException("campaign id must be non-empty without '/', '+' or '#'");
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a campaign needs at least one endpoint");
        }
        if (new LinkedHashSet<>(endpoints).size() != endpoints.size()) {
            throw new IllegalArgumentException("an endpoint is listed twice");
        }
        endpoints = List.copyOf(endpoints);
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1");
        }
        if (!(maxFailureRatio >= 0 && maxFailureRatio <= 1)) {
            throw new IllegalArgumentException("maxFailureRatio must be between 0 and 1");
        }
    }
}
