package io.lwm2mgw.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Look-ups in one rendering that the consistency checks share: by kind, name, labels and ports. */
final class Resources {

    /** The pod label that tells the gateway's pods from Redis's. */
    static final Map<String, String> GATEWAY_POD = Map.of("app.kubernetes.io/name", "lwm2m-gateway",
            "app.kubernetes.io/component", "gateway");

    private Resources() {
    }

    static List<JsonNode> ofKind(List<? extends JsonNode> resources, String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).map(JsonNode.class::cast).toList();
    }

    static String name(JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }

    /** The gateway's StatefulSet: the one whose pods carry {@link #GATEWAY_POD}. */
    static List<JsonNode> gatewaySets(List<? extends JsonNode> resources) {
        return ofKind(resources, "StatefulSet").stream().filter(s -> selects(GATEWAY_POD, podLabels(s))).toList();
    }

    static Map<String, String> podLabels(JsonNode set) {
        return strings(set.path("spec").path("template").path("metadata").path("labels"));
    }

    /** Whether a selector's labels (all of them) are among {@code labels}; an empty selector selects all. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return labels.entrySet().containsAll(selector.entrySet());
    }

    /** The StatefulSet whose pods a label selector picks, if one does. */
    static Optional<JsonNode> setSelectedBy(List<? extends JsonNode> resources, Map<String, String> selector) {
        return ofKind(resources, "StatefulSet").stream().filter(s -> !selector.isEmpty()
                && selects(selector, podLabels(s))).findFirst();
    }

    /** Name to protocol of every port the first container of a StatefulSet's pods declares. */
    static Map<String, String> containerPorts(JsonNode set) {
        Map<String, String> ports = new HashMap<>();
        container(set).path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("protocol").asText("TCP")));
        return ports;
    }

    static JsonNode container(JsonNode set) {
        return set.path("spec").path("template").path("spec").path("containers").path(0);
    }

    /** Every key and value the ConfigMaps of the rendering hold. */
    static Map<String, String> configuration(List<? extends JsonNode> resources) {
        Map<String, String> all = new HashMap<>();
        ofKind(resources, "ConfigMap").forEach(c -> all.putAll(strings(c.path("data"))));
        return all;
    }

    /** The container's environment entry of that name, or a missing node. */
    static JsonNode env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static Set<String> textValues(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }
}
