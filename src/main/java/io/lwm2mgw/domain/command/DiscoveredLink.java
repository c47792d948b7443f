package io.lwm2mgw.domain.command;

import java.util.Map;

/** One link of a Discover answer: a path and its attributes as the device wrote them. */
public record DiscoveredLink(String path, Map<String, String> attributes) {
    public DiscoveredLink {
        attributes = Map.copyOf(attributes);
    }
}
