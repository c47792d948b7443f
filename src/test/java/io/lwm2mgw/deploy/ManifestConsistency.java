package io.lwm2mgw.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.custom.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a schema cannot see: whether the rendered resources fit together and keep the gateway's operating
 * promises. Services select the gateway's pods and name ports it declares, the ServiceMonitor finds a
 * Service with its port, probes hit the health endpoints, the pod is non-root with a read-only root, the
 * grace period covers the shutdown delay plus the shutdown timeout, and the memory request covers the
 * measured idle RSS.
 */
final class ManifestConsistency {

    /** Idle RSS of the packaged jar with an external broker, measured at most 153 MB (README, "Measured"). */
    static final long MEASURED_IDLE_RSS_BYTES = 153L * 1000 * 1000;

    private ManifestConsistency() {
    }

    /**
     * Every inconsistency among the resources of one rendering; {@code shutdownTimeout} is the application's
     * quarkus.shutdown.timeout.
     */
    static List<String> problems(List<? extends JsonNode> resources, Duration shutdownTimeout) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> sets = ofKind(resources, "StatefulSet");
        if (sets.size() != 1) {
            problems.add("expected exactly one StatefulSet, found " + sets.size());
            return problems;
        }
        JsonNode set = sets.get(0);
        JsonNode pod = set.path("spec").path("template");
        Map<String, String> podLabels = strings(pod.path("metadata").path("labels"));
        if (!podLabels.entrySet().containsAll(strings(set.path("spec").path("selector").path("matchLabels")).entrySet())) {
            problems.add("StatefulSet: spec.selector does not select its own pod template");
        }
        JsonNode container = pod.path("spec").path("containers").path(0);
        Map<String, String> portProtocols = new java.util.HashMap<>();
        container.path("ports").forEach(p -> portProtocols.put(p.path("name").asText(), p.path("protocol").asText("TCP")));

        Set<String> services = new HashSet<>();
        for (JsonNode service : ofKind(resources, "Service")) {
            String id = "Service/" + name(service);
            services.add(name(service));
            if (!podLabels.entrySet().containsAll(strings(service.path("spec").path("selector")).entrySet())) {
                problems.add(id + ": its selector matches no gateway pod");
            }
            for (JsonNode port : service.path("spec").path("ports")) {
                String target = port.path("targetPort").asText();
                String protocol = port.path("protocol").asText("TCP");
                if (!protocol.equals(portProtocols.get(target))) {
                    problems.add(id + ": targetPort '" + target + "' (" + protocol + ") is no container port");
                }
            }
        }
        String governing = set.path("spec").path("serviceName").asText();
        if (ofKind(resources, "Service").stream().noneMatch(s -> name(s).equals(governing)
                && s.path("spec").path("clusterIP").asText().equals("None"))) {
            problems.add("StatefulSet: serviceName '" + governing + "' is no headless Service");
        }
        coap(resources, problems);
        for (JsonNode monitor : ofKind(resources, "ServiceMonitor")) {
            Map<String, String> wanted = strings(monitor.path("spec").path("selector").path("matchLabels"));
            List<JsonNode> selected = ofKind(resources, "Service").stream()
                    .filter(s -> strings(s.path("metadata").path("labels")).entrySet().containsAll(wanted.entrySet()))
                    .toList();
            if (selected.isEmpty()) {
                problems.add("ServiceMonitor/" + name(monitor) + ": its selector matches no Service");
            }
            for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
                String port = endpoint.path("port").asText();
                for (JsonNode service : selected) {
                    boolean has = false;
                    for (JsonNode p : service.path("spec").path("ports")) {
                        has |= p.path("name").asText().equals(port);
                    }
                    if (!has) {
                        problems.add("ServiceMonitor/" + name(monitor) + ": Service/" + name(service)
                                + " has no port named '" + port + "'");
                    }
                }
                if (!endpoint.path("path").asText().equals("/q/metrics")) {
                    problems.add("ServiceMonitor/" + name(monitor) + ": metrics are served on /q/metrics");
                }
            }
        }
        for (JsonNode budget : ofKind(resources, "PodDisruptionBudget")) {
            if (!podLabels.entrySet().containsAll(
                    strings(budget.path("spec").path("selector").path("matchLabels")).entrySet())) {
                problems.add("PodDisruptionBudget/" + name(budget) + ": its selector matches no gateway pod");
            }
        }
        if (ofKind(resources, "PodDisruptionBudget").isEmpty()) {
            problems.add("no PodDisruptionBudget");
        }
        probes(container, portProtocols, problems);
        security(pod.path("spec"), container, problems);
        volumes(set, container, problems);
        references(resources, container, problems);
        resourcesAndGrace(resources, pod.path("spec"), container, shutdownTimeout, problems);
        return problems;
    }

    private static void coap(List<? extends JsonNode> resources, List<String> problems) {
        List<JsonNode> udp = ofKind(resources, "Service").stream()
                .filter(s -> s.path("spec").path("ports").findValuesAsText("protocol").contains("UDP")).toList();
        if (udp.size() != 1) {
            problems.add("expected one UDP Service for CoAP, found " + udp.size());
            return;
        }
        JsonNode spec = udp.get(0).path("spec");
        Set<Integer> ports = new HashSet<>();
        spec.path("ports").forEach(p -> ports.add(p.path("port").asInt()));
        if (!ports.equals(Set.of(5683, 5684))) {
            problems.add("Service/" + name(udp.get(0)) + ": CoAP ports must be 5683 and 5684, are " + ports);
        }
        if (!spec.path("externalTrafficPolicy").asText().equals("Local")) {
            problems.add("Service/" + name(udp.get(0)) + ": externalTrafficPolicy must be Local (device addresses)");
        }
        if (!spec.path("sessionAffinity").asText().equals("ClientIP")) {
            problems.add("Service/" + name(udp.get(0)) + ": sessionAffinity must be ClientIP");
        }
    }

    private static void probes(JsonNode container, Map<String, String> ports, List<String> problems) {
        Map<String, String> expected = Map.of("startupProbe", "/q/health/started", "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready");
        expected.forEach((probe, path) -> {
            JsonNode get = container.path(probe).path("httpGet");
            if (!get.path("path").asText().equals(path)) {
                problems.add("container " + container.path("name").asText() + ": " + probe + " must GET " + path);
            }
            if (!"TCP".equals(ports.get(get.path("port").asText()))) {
                problems.add("container " + container.path("name").asText() + ": " + probe + " port '"
                        + get.path("port").asText() + "' is no TCP container port");
            }
        });
    }

    private static void security(JsonNode podSpec, JsonNode container, List<String> problems) {
        if (!podSpec.path("securityContext").path("runAsNonRoot").asBoolean(false)) {
            problems.add("pod: securityContext.runAsNonRoot must be true");
        }
        JsonNode sc = container.path("securityContext");
        if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
            problems.add("container: securityContext.readOnlyRootFilesystem must be true");
        }
        if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            problems.add("container: securityContext.allowPrivilegeEscalation must be false");
        }
        if (!textValues(sc.path("capabilities").path("drop")).contains("ALL")) {
            problems.add("container: securityContext.capabilities.drop must contain ALL");
        }
    }

    private static void volumes(JsonNode set, JsonNode container, List<String> problems) {
        Set<String> volumes = new HashSet<>();
        set.path("spec").path("template").path("spec").path("volumes").forEach(v -> volumes.add(v.path("name").asText()));
        set.path("spec").path("volumeClaimTemplates").forEach(v -> volumes.add(v.path("metadata").path("name").asText()));
        Map<String, String> mounts = new java.util.HashMap<>();
        for (JsonNode mount : container.path("volumeMounts")) {
            mounts.put(mount.path("mountPath").asText(), mount.path("name").asText());
            if (!volumes.contains(mount.path("name").asText())) {
                problems.add("container: volumeMount '" + mount.path("name").asText() + "' names no volume");
            }
        }
        if (!mounts.containsKey("/data") || set.path("spec").path("volumeClaimTemplates").findValuesAsText("name")
                .stream().noneMatch(n -> n.equals(mounts.get("/data")))) {
            problems.add("container: /data must be a volume claimed by the StatefulSet");
        }
        if (!mounts.containsKey("/tmp")) {
            problems.add("container: /tmp must be a writable volume (the root file system is read-only)");
        }
    }

    private static void references(List<? extends JsonNode> resources, JsonNode container, List<String> problems) {
        Set<String> configMaps = ofKind(resources, "ConfigMap").stream().map(ManifestConsistency::name)
                .collect(Collectors.toSet());
        for (JsonNode from : container.path("envFrom")) {
            String ref = from.path("configMapRef").path("name").asText(null);
            if (ref != null && !configMaps.contains(ref)) {
                problems.add("container: envFrom names ConfigMap '" + ref + "', which is not part of the manifests");
            }
        }
        Set<String> configured = new HashSet<>();
        for (JsonNode map : ofKind(resources, "ConfigMap")) {
            map.path("data").fields().forEachRemaining(e -> {
                configured.add(e.getKey());
                if (e.getKey().endsWith("_DIRECTORY") && !e.getValue().asText().startsWith("/data/")) {
                    problems.add("ConfigMap/" + name(map) + ": " + e.getKey() + " must lie on the /data volume, "
                            + "or the state is lost with the pod");
                }
                if (e.getKey().equals("JAVA_TOOL_OPTIONS") && !e.getValue().asText().contains("-XX:+ExitOnOutOfMemoryError")) {
                    problems.add("ConfigMap/" + name(map) + ": JAVA_TOOL_OPTIONS must contain -XX:+ExitOnOutOfMemoryError,"
                            + " or a full heap leaves a live pod that serves nobody");
                }
            });
        }
        for (String key : writableDirectoryKeys()) {
            if (!configured.contains(key)) {
                problems.add("ConfigMap: " + key + " is not set: its default lies under the working directory, "
                        + "which the read-only root file system does not let the gateway write");
            }
        }
        Set<String> secrets = ofKind(resources, "Secret").stream().map(ManifestConsistency::name)
                .collect(Collectors.toSet());
        for (JsonNode env : container.path("env")) {
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (ref.isObject() && !secrets.contains(ref.path("name").asText()) && !ref.path("optional").asBoolean()) {
                problems.add("container: " + env.path("name").asText() + " needs Secret '" + ref.path("name").asText()
                        + "', which the manifests do not create: mark it optional");
            }
        }
    }

    private static void resourcesAndGrace(List<? extends JsonNode> resources, JsonNode podSpec, JsonNode container,
            Duration shutdownTimeout, List<String> problems) {
        JsonNode requests = container.path("resources").path("requests");
        JsonNode limits = container.path("resources").path("limits");
        for (String resource : List.of("cpu", "memory")) {
            if (!requests.has(resource) || !limits.has(resource)) {
                problems.add("container: resources must request and limit " + resource);
            } else if (quantity(requests, resource) > quantity(limits, resource)) {
                problems.add("container: the " + resource + " request exceeds its limit");
            }
        }
        if (requests.has("memory") && quantity(requests, "memory") < MEASURED_IDLE_RSS_BYTES) {
            problems.add("container: the memory request is below the measured idle RSS (153 MB)");
        }
        String delay = ofKind(resources, "ConfigMap").stream()
                .map(c -> c.path("data").path("QUARKUS_SHUTDOWN_DELAY").asText(null))
                .filter(java.util.Objects::nonNull).findFirst().orElse("0s");
        long needed = Duration.parse("PT" + delay.toUpperCase()).plus(shutdownTimeout).toSeconds();
        long grace = podSpec.path("terminationGracePeriodSeconds").asLong(30);
        if (grace <= needed) {
            problems.add("pod: terminationGracePeriodSeconds " + grace + " must exceed the shutdown delay " + delay
                    + " plus the shutdown timeout " + shutdownTimeout.toSeconds() + "s");
        }
    }

    /** The quantity's value; NaN (compares false) when unparsable, which the schema check reports. */
    private static double quantity(JsonNode node, String key) {
        try {
            return new Quantity(node.path(key).asText()).getNumber().doubleValue();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static List<JsonNode> ofKind(List<? extends JsonNode> resources, String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).map(JsonNode.class::cast).toList();
    }

    private static String name(JsonNode resource) {
        return resource.path("metadata").path("name").asText();
    }

    private static Set<String> textValues(JsonNode array) {
        Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> map = new java.util.HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), e.getValue().asText());
        }
        return map;
    }

    /**
     * The environment variables of every configuration key that names a folder the gateway writes to (a
     * {@code Path} whose default is relative, {@code data/...}), found in the typed configuration itself, so
     * a new store cannot be forgotten in the manifests.
     */
    static List<String> writableDirectoryKeys() {
        List<String> keys = new ArrayList<>();
        collect(io.lwm2mgw.config.GatewayConfig.class, "GATEWAY", keys);
        return keys;
    }

    private static void collect(Class<?> type, String prefix, List<String> keys) {
        for (java.lang.reflect.Method m : type.getMethods()) {
            String name = prefix + "_" + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
            io.smallrye.config.WithDefault fallback = m.getAnnotation(io.smallrye.config.WithDefault.class);
            if (m.getReturnType() == java.nio.file.Path.class && fallback != null
                    && fallback.value().startsWith("data/")) {
                keys.add(name);
            } else if (m.getReturnType().isInterface() && m.getReturnType().getPackageName().equals("io.lwm2mgw.config")
                    && m.getParameterCount() == 0) {
                collect(m.getReturnType(), name, keys);
            }
        }
    }
}
