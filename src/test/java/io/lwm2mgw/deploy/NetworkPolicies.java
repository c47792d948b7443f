package io.lwm2mgw.deploy;

import static io.lwm2mgw.deploy.Resources.GATEWAY_POD;
import static io.lwm2mgw.deploy.Resources.containerPorts;
import static io.lwm2mgw.deploy.Resources.name;
import static io.lwm2mgw.deploy.Resources.ofKind;
import static io.lwm2mgw.deploy.Resources.podLabels;
import static io.lwm2mgw.deploy.Resources.selects;
import static io.lwm2mgw.deploy.Resources.strings;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who may reach which port, from the NetworkPolicies of one rendering: CoAP and CoAPS (UDP 5683/5684) from
 * anywhere, HTTP only from a namespace (monitoring), the cluster port only from the gateway's own pods, and
 * the pods of any other StatefulSet (Redis) only from the gateway's pods. Every port a rule names must be one
 * the selected pods declare, with that protocol.
 */
final class NetworkPolicies {

    /** The only ports that may be open to anyone: devices come from anywhere. */
    static final Set<String> PUBLIC_PORTS = Set.of("coap", "coaps");

    private NetworkPolicies() {
    }

    /** A peer a rule lets in: anyone, pods by labels, a namespace, or an address block. */
    private record Peer(boolean anyone, Map<String, String> pods, boolean namespace, boolean block) {
    }

    static List<String> problems(List<? extends JsonNode> resources, JsonNode gateway) {
        List<String> problems = new ArrayList<>();
        for (JsonNode set : ofKind(resources, "StatefulSet")) {
            boolean isGateway = name(set).equals(name(gateway));
            Map<String, List<Peer>> access = access(resources, set, problems);
            if (access == null) {
                problems.add("StatefulSet/" + name(set) + ": no NetworkPolicy (with policyType Ingress) selects its "
                        + "pods, so every port is open to everyone");
                continue;
            }
            for (String port : containerPorts(set).keySet()) {
                List<Peer> peers = access.getOrDefault(port, List.of());
                boolean anyone = peers.stream().anyMatch(Peer::anyone);
                String id = "NetworkPolicy for StatefulSet/" + name(set) + ": port '" + port + "'";
                if (isGateway && PUBLIC_PORTS.contains(port)) {
                    if (!anyone) {
                        problems.add(id + " must be open to devices from anywhere");
                    }
                } else if (anyone) {
                    problems.add(id + " is open to anyone");
                } else if (isGateway && port.equals("http") && peers.stream().noneMatch(Peer::namespace)) {
                    problems.add(id + " must be reachable from the monitoring namespace");
                } else if (!isGateway || port.equals("cluster")) {
                    if (peers.stream().anyMatch(p -> p.namespace || p.block || !selects(p.pods, GATEWAY_POD)
                            || p.pods.isEmpty())) {
                        problems.add(id + " must be reachable from the gateway's pods only");
                    }
                }
            }
        }
        return problems;
    }

    /** Port name to the peers let in, over every Ingress policy selecting the set's pods; null when none does. */
    private static Map<String, List<Peer>> access(List<? extends JsonNode> resources, JsonNode set,
            List<String> problems) {
        Map<String, String> declared = containerPorts(set);
        Map<String, List<Peer>> access = null;
        for (JsonNode policy : ofKind(resources, "NetworkPolicy")) {
            JsonNode spec = policy.path("spec");
            if (!selects(strings(spec.path("podSelector").path("matchLabels")), podLabels(set))
                    || !Resources.textValues(spec.path("policyTypes")).contains("Ingress")) {
                continue;
            }
            if (access == null) {
                access = new HashMap<>();
            }
            for (JsonNode rule : spec.path("ingress")) {
                List<Peer> peers = new ArrayList<>();
                if (rule.path("from").isEmpty()) {
                    peers.add(new Peer(true, Map.of(), false, false));
                }
                for (JsonNode from : rule.path("from")) {
                    peers.add(new Peer(false, strings(from.path("podSelector").path("matchLabels")),
                            from.has("namespaceSelector"), from.has("ipBlock")));
                }
                List<String> ports = new ArrayList<>();
                if (rule.path("ports").isEmpty()) {
                    ports.addAll(declared.keySet());
                }
                for (JsonNode port : rule.path("ports")) {
                    String named = port.path("port").asText();
                    String protocol = port.path("protocol").asText("TCP");
                    if (!protocol.equals(declared.get(named))) {
                        problems.add("NetworkPolicy/" + name(policy) + ": port '" + named + "' (" + protocol
                                + ") is no container port of StatefulSet/" + name(set));
                    }
                    ports.add(named);
                }
                for (String port : ports) {
                    access.computeIfAbsent(port, p -> new ArrayList<>()).addAll(peers);
                }
            }
        }
        return access;
    }
}
