package io.lwm2mgw.deploy;

import static io.lwm2mgw.deploy.Resources.GATEWAY_POD;
import static io.lwm2mgw.deploy.Resources.configuration;
import static io.lwm2mgw.deploy.Resources.container;
import static io.lwm2mgw.deploy.Resources.containerPorts;
import static io.lwm2mgw.deploy.Resources.env;
import static io.lwm2mgw.deploy.Resources.name;
import static io.lwm2mgw.deploy.Resources.ofKind;
import static io.lwm2mgw.deploy.Resources.selects;
import static io.lwm2mgw.deploy.Resources.strings;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What several gateway replicas need from the manifests (README, "Running several replicas"): shared state in
 * Redis, a disruption budget that keeps all but one serving, replicas on different nodes, a rolling update,
 * the cluster port on the container and the headless Service, a node id from the pod's ordinal, the cluster
 * key from a Secret, and a firmware pull host that devices behind the load balancer reach. One replica needs
 * none of it, except that a redis backend needs its hosts.
 */
final class ReplicaConsistency {

    /** The label Kubernetes (1.28 and later) sets on each StatefulSet pod: its ordinal. */
    static final String POD_INDEX = "metadata.labels['apps.kubernetes.io/pod-index']";
    static final String DNS_HOSTNAME = "external-dns.alpha.kubernetes.io/hostname";

    private ReplicaConsistency() {
    }

    static List<String> problems(List<? extends JsonNode> resources, JsonNode set) {
        List<String> problems = new ArrayList<>();
        Map<String, String> config = configuration(resources);
        String backend = config.getOrDefault("GATEWAY_STATE_BACKEND", "embedded");
        if (backend.equals("redis") && !config.containsKey("QUARKUS_REDIS_HOSTS")) {
            problems.add("ConfigMap: GATEWAY_STATE_BACKEND is redis but QUARKUS_REDIS_HOSTS is not set");
        }
        int replicas = set.path("spec").path("replicas").asInt(1);
        if (replicas <= 1) {
            return problems;
        }
        String id = "StatefulSet/" + name(set) + " (" + replicas + " replicas)";
        if (replicas > 256) {
            problems.add(id + ": node ids are 0-255, so at most 256 replicas");
        }
        if (!backend.equals("redis")) {
            problems.add(id + ": GATEWAY_STATE_BACKEND must be redis; the " + backend
                    + " state lies on one pod's volume, which the others do not see");
        }
        budget(resources, replicas, id, problems);
        JsonNode podSpec = set.path("spec").path("template").path("spec");
        boolean spread = false;
        for (String kind : List.of("requiredDuringSchedulingIgnoredDuringExecution",
                "preferredDuringSchedulingIgnoredDuringExecution")) {
            for (JsonNode term : podSpec.path("affinity").path("podAntiAffinity").path(kind)) {
                JsonNode t = term.has("podAffinityTerm") ? term.path("podAffinityTerm") : term;
                spread |= t.path("topologyKey").asText().equals("kubernetes.io/hostname")
                        && selects(strings(t.path("labelSelector").path("matchLabels")), GATEWAY_POD);
            }
        }
        if (!spread) {
            problems.add(id + ": needs a pod anti-affinity on kubernetes.io/hostname selecting the gateway's pods");
        }
        if (!set.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate")) {
            problems.add(id + ": updateStrategy must be RollingUpdate");
        }
        cluster(resources, set, config, id, problems);
        String pullHost = config.get("GATEWAY_FIRMWARE_PULL_URI_HOST");
        if (pullHost == null) {
            problems.add("ConfigMap: GATEWAY_FIRMWARE_PULL_URI_HOST is not set: the default is the pod's own "
                    + "address, which devices behind the load balancer cannot reach");
        }
        for (JsonNode service : ofKind(resources, "Service")) {
            String published = service.path("metadata").path("annotations").path(DNS_HOSTNAME).asText(null);
            if (published != null && !published.equals(pullHost)) {
                problems.add("ConfigMap: GATEWAY_FIRMWARE_PULL_URI_HOST " + pullHost + " is not the host name "
                        + published + " that Service/" + name(service) + " publishes");
            }
        }
        return problems;
    }

    private static void budget(List<? extends JsonNode> resources, int replicas, String id, List<String> problems) {
        for (JsonNode budget : ofKind(resources, "PodDisruptionBudget")) {
            JsonNode spec = budget.path("spec");
            int available = spec.has("minAvailable") ? spec.path("minAvailable").asInt(-1)
                    : replicas - spec.path("maxUnavailable").asInt(replicas);
            if (available < 2 || available >= replicas) {
                problems.add(id + ": PodDisruptionBudget/" + name(budget) + " must keep at least 2 and at most "
                        + (replicas - 1) + " pods available (a drain must stay possible), keeps " + available);
            }
        }
    }

    private static void cluster(List<? extends JsonNode> resources, JsonNode set, Map<String, String> config,
            String id, List<String> problems) {
        JsonNode container = container(set);
        if (!"UDP".equals(containerPorts(set).get("cluster"))) {
            problems.add(id + ": the container must declare the UDP port named 'cluster'");
        }
        String port = config.get("GATEWAY_CLUSTER_PORT");
        boolean declared = false;
        for (JsonNode p : container.path("ports")) {
            declared |= p.path("name").asText().equals("cluster") && p.path("containerPort").asText().equals(port);
        }
        if (!declared) {
            problems.add(id + ": GATEWAY_CLUSTER_PORT " + port + " is not the container's port 'cluster'");
        }
        String governing = set.path("spec").path("serviceName").asText();
        boolean peers = ofKind(resources, "Service").stream().filter(s -> name(s).equals(governing))
                .anyMatch(s -> s.path("spec").path("ports").findValuesAsText("targetPort").contains("cluster"));
        if (!peers) {
            problems.add(id + ": the headless Service " + governing + " must carry the port 'cluster' for the peers");
        }
        if (!env(container, "GATEWAY_CLUSTER_NODE_ID").path("valueFrom").path("fieldRef").path("fieldPath").asText()
                .equals(POD_INDEX)) {
            problems.add(id + ": GATEWAY_CLUSTER_NODE_ID must come from the pod's ordinal (" + POD_INDEX + ")");
        }
        if (config.containsKey("GATEWAY_CLUSTER_PSK")
                || !env(container, "GATEWAY_CLUSTER_PSK").path("valueFrom").has("secretKeyRef")) {
            problems.add(id + ": GATEWAY_CLUSTER_PSK must come from a Secret, never from the ConfigMap");
        }
    }
}
