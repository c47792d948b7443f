package io.lwm2mgw.deploy;

import static io.lwm2mgw.deploy.Resources.configuration;
import static io.lwm2mgw.deploy.Resources.container;
import static io.lwm2mgw.deploy.Resources.containerPorts;
import static io.lwm2mgw.deploy.Resources.name;
import static io.lwm2mgw.deploy.Resources.ofKind;
import static io.lwm2mgw.deploy.Resources.podLabels;
import static io.lwm2mgw.deploy.Resources.selects;
import static io.lwm2mgw.deploy.Resources.strings;
import static io.lwm2mgw.deploy.Resources.textValues;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubernetes.client.custom.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a schema cannot see: whether the rendered resources fit together and keep the gateway's operating
 * promises. Services select pods of a StatefulSet and name ports those pods declare, the ServiceMonitor finds
 * a Service with its port, probes hit the health endpoints, pods are non-root with a read-only root, the
 * credentials file is a key of a mounted Secret, the grace period covers the shutdown delay plus the shutdown
 * timeout, readiness notices a stop within the delay, and the memory request covers the measured idle RSS.
 * The network policy, several replicas and configuration keys have classes of their own.
 */
final class ManifestConsistency {

    /** Idle RSS of the packaged jar with an external broker, measured at most 153 MB (README, "Measured"). */
    static final long MEASURED_IDLE_RSS_BYTES = 153L * 1000 * 1000;
    /**
     * Secret keys a deployment must provide, which a pod may therefore require: the README's Secret table
     * lists them. Every other reference to a Secret the manifests do not ship must be optional.
     */
    static final Set<String> REQUIRED_SECRET_KEYS = Set.of("cluster-psk");

    private ManifestConsistency() {
    }

    /**
     * Every inconsistency among the resources of one rendering; {@code shutdownTimeout} is the application's
     * quarkus.shutdown.timeout.
     */
    static List<String> problems(List<? extends JsonNode> resources, Duration shutdownTimeout) {
        List<String> problems = new ArrayList<>();
        List<JsonNode> gateways = Resources.gatewaySets(resources);
        if (gateways.size() != 1) {
            problems.add("expected exactly one gateway StatefulSet, found " + gateways.size());
            return problems;
        }
        JsonNode set = gateways.get(0);
        for (JsonNode any : ofKind(resources, "StatefulSet")) {
            if (!selects(strings(any.path("spec").path("selector").path("matchLabels")), podLabels(any))) {
                problems.add("StatefulSet/" + name(any) + ": spec.selector does not select its own pod template");
            }
            security(name(any), any.path("spec").path("template").path("spec"), container(any), problems);
        }
        services(resources, problems);
        String governing = set.path("spec").path("serviceName").asText();
        if (ofKind(resources, "Service").stream().noneMatch(s -> name(s).equals(governing)
                && s.path("spec").path("clusterIP").asText().equals("None"))) {
            problems.add("StatefulSet: serviceName '" + governing + "' is no headless Service");
        }
        coap(resources, problems);
        serviceMonitors(resources, problems);
        List<JsonNode> budgets = ofKind(resources, "PodDisruptionBudget");
        for (JsonNode budget : budgets) {
            if (!selects(strings(budget.path("spec").path("selector").path("matchLabels")), podLabels(set))) {
                problems.add("PodDisruptionBudget/" + name(budget) + ": its selector matches no gateway pod");
            }
        }
        if (budgets.isEmpty()) {
            problems.add("no PodDisruptionBudget");
        }
        JsonNode container = container(set);
        probes(container, containerPorts(set), problems);
        volumes(set, container, problems);
        references(resources, container, problems);
        credentials(resources, set, problems);
        resourcesAndGrace(resources, set.path("spec").path("template").path("spec"), container, shutdownTimeout,
                problems);
        problems.addAll(NetworkPolicies.problems(resources, set));
        problems.addAll(ReplicaConsistency.problems(resources, set));
        problems.addAll(ConfigKeys.problems(resources, container));
        return problems;
    }

    private static void services(List<? extends JsonNode> resources, List<String> problems) {
        for (JsonNode service : ofKind(resources, "Service")) {
            String id = "Service/" + name(service);
            Optional<JsonNode> target = Resources.setSelectedBy(resources, strings(service.path("spec").path("selector")));
            if (target.isEmpty()) {
                problems.add(id + ": its selector matches no pod of the manifests");
                continue;
            }
            Map<String, String> ports = containerPorts(target.get());
            for (JsonNode port : service.path("spec").path("ports")) {
                String name = port.path("targetPort").asText();
                String protocol = port.path("protocol").asText("TCP");
                if (!protocol.equals(ports.get(name))) {
                    problems.add(id + ": targetPort '" + name + "' (" + protocol + ") is no container port");
                }
            }
        }
    }

    private static void coap(List<? extends JsonNode> resources, List<String> problems) {
        List<JsonNode> coap = ofKind(resources, "Service").stream()
                .filter(s -> s.path("spec").path("ports").findValuesAsText("port").contains("5683")).toList();
        if (coap.size() != 1) {
            problems.add("expected one Service for CoAP (UDP 5683), found " + coap.size());
            return;
        }
        JsonNode spec = coap.get(0).path("spec");
        Set<Integer> ports = new HashSet<>();
        spec.path("ports").forEach(p -> ports.add(p.path("port").asInt()));
        if (!ports.equals(Set.of(5683, 5684))) {
            problems.add("Service/" + name(coap.get(0)) + ": CoAP ports must be 5683 and 5684, are " + ports);
        }
        if (!spec.path("externalTrafficPolicy").asText().equals("Local")) {
            problems.add("Service/" + name(coap.get(0)) + ": externalTrafficPolicy must be Local (device addresses)");
        }
        if (!spec.path("sessionAffinity").asText().equals("ClientIP")) {
            problems.add("Service/" + name(coap.get(0)) + ": sessionAffinity must be ClientIP");
        }
    }

    private static void serviceMonitors(List<? extends JsonNode> resources, List<String> problems) {
        for (JsonNode monitor : ofKind(resources, "ServiceMonitor")) {
            Map<String, String> wanted = strings(monitor.path("spec").path("selector").path("matchLabels"));
            List<JsonNode> selected = ofKind(resources, "Service").stream()
                    .filter(s -> selects(wanted, strings(s.path("metadata").path("labels")))).toList();
            if (selected.isEmpty()) {
                problems.add("ServiceMonitor/" + name(monitor) + ": its selector matches no Service");
            }
            for (JsonNode endpoint : monitor.path("spec").path("endpoints")) {
                String port = endpoint.path("port").asText();
                for (JsonNode service : selected) {
                    if (!service.path("spec").path("ports").findValuesAsText("name").contains(port)) {
                        problems.add("ServiceMonitor/" + name(monitor) + ": Service/" + name(service)
                                + " has no port named '" + port + "'");
                    }
                }
                if (!endpoint.path("path").asText().equals("/q/metrics")) {
                    problems.add("ServiceMonitor/" + name(monitor) + ": metrics are served on /q/metrics");
                }
            }
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
        if (container.path("readinessProbe").path("failureThreshold").asInt(3) < 3) {
            problems.add("container: readinessProbe.failureThreshold must be at least 3, or one slow answer takes "
                    + "the pod out of the Services");
        }
    }

    private static void security(String set, JsonNode podSpec, JsonNode container, List<String> problems) {
        String pod = "StatefulSet/" + set + " pod";
        if (!podSpec.path("securityContext").path("runAsNonRoot").asBoolean(false)) {
            problems.add(pod + ": securityContext.runAsNonRoot must be true");
        }
        JsonNode sc = container.path("securityContext");
        String c = "StatefulSet/" + set + " container";
        if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
            problems.add(c + ": securityContext.readOnlyRootFilesystem must be true");
        }
        if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            problems.add(c + ": securityContext.allowPrivilegeEscalation must be false");
        }
        if (!textValues(sc.path("capabilities").path("drop")).contains("ALL")) {
            problems.add(c + ": securityContext.capabilities.drop must contain ALL");
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
        Set<String> configMaps = ofKind(resources, "ConfigMap").stream().map(Resources::name)
                .collect(Collectors.toSet());
        for (JsonNode from : container.path("envFrom")) {
            String ref = from.path("configMapRef").path("name").asText(null);
            if (ref != null && !configMaps.contains(ref)) {
                problems.add("container: envFrom names ConfigMap '" + ref + "', which is not part of the manifests");
            }
        }
        Map<String, String> configured = configuration(resources);
        configured.forEach((key, value) -> {
            if (key.endsWith("_DIRECTORY") && !value.startsWith("/data/")) {
                problems.add("ConfigMap: " + key + " must lie on the /data volume, or the state is lost with the pod");
            }
            if (key.equals("JAVA_TOOL_OPTIONS") && !value.contains("-XX:+ExitOnOutOfMemoryError")) {
                problems.add("ConfigMap: JAVA_TOOL_OPTIONS must contain -XX:+ExitOnOutOfMemoryError,"
                        + " or a full heap leaves a live pod that serves nobody");
            }
        });
        for (String key : ConfigKeys.writableDirectoryKeys()) {
            if (!configured.containsKey(key)) {
                problems.add("ConfigMap: " + key + " is not set: its default lies under the working directory, "
                        + "which the read-only root file system does not let the gateway write");
            }
        }
        Set<String> secrets = ofKind(resources, "Secret").stream().map(Resources::name).collect(Collectors.toSet());
        for (JsonNode env : container.path("env")) {
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (ref.isObject() && !secrets.contains(ref.path("name").asText()) && !ref.path("optional").asBoolean()
                    && !REQUIRED_SECRET_KEYS.contains(ref.path("key").asText())) {
                problems.add("container: " + env.path("name").asText() + " needs Secret '" + ref.path("name").asText()
                        + "', which the manifests do not create: mark it optional");
            }
        }
    }

    /** The credentials file the configuration names must be a key of a Secret volume the container mounts. */
    private static void credentials(List<? extends JsonNode> resources, JsonNode set, List<String> problems) {
        String file = configuration(resources).get("GATEWAY_LWM2M_SECURITY_CREDENTIALS_FILE");
        if (file == null) {
            problems.add("ConfigMap: GATEWAY_LWM2M_SECURITY_CREDENTIALS_FILE is not set: no device could use CoAPS");
            return;
        }
        Map<String, Set<String>> secretFiles = new java.util.HashMap<>();
        for (JsonNode volume : set.path("spec").path("template").path("spec").path("volumes")) {
            if (volume.path("secret").isObject()) {
                Set<String> files = new HashSet<>();
                volume.path("secret").path("items").forEach(item -> files.add(item.path("path").asText()));
                secretFiles.put(volume.path("name").asText(), files);
            }
        }
        for (JsonNode mount : container(set).path("volumeMounts")) {
            Set<String> files = secretFiles.get(mount.path("name").asText());
            String dir = mount.path("mountPath").asText() + "/";
            // without items every key of the Secret is a file
            if (files != null && file.startsWith(dir)
                    && (files.isEmpty() || files.contains(file.substring(dir.length())))) {
                return;
            }
        }
        problems.add("container: GATEWAY_LWM2M_SECURITY_CREDENTIALS_FILE " + file
                + " is no key of a Secret volume the container mounts");
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
        String delay = configuration(resources).getOrDefault("QUARKUS_SHUTDOWN_DELAY", "0s");
        Duration shutdownDelay = Duration.parse("PT" + delay.toUpperCase());
        long needed = shutdownDelay.plus(shutdownTimeout).toSeconds();
        long grace = podSpec.path("terminationGracePeriodSeconds").asLong(30);
        if (grace <= needed) {
            problems.add("pod: terminationGracePeriodSeconds " + grace + " must exceed the shutdown delay " + delay
                    + " plus the shutdown timeout " + shutdownTimeout.toSeconds() + "s");
        }
        JsonNode readiness = container.path("readinessProbe");
        long noticed = readiness.path("periodSeconds").asLong(10) * readiness.path("failureThreshold").asLong(3);
        if (noticed >= shutdownDelay.toSeconds()) {
            problems.add("container: the readiness probe notices a stop after " + noticed + " s, not within "
                    + "QUARKUS_SHUTDOWN_DELAY " + delay + ": the Services would still send to a stopping pod");
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
}
