package io.lwm2mgw.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict field validation of one Kubernetes resource, offline, through the Kubernetes OpenAPI schema as
 * generated into the official Java client's models: no field the schema does not define (what kubectl's
 * {@code --validate=strict} refuses, and what the JSON schemas of {@link SchemaValidator} let through, since
 * they do not close their objects), required fields present, and every value surviving a typed round trip.
 * The ServiceMonitor, a Prometheus operator resource, gets the field lists of the operator's CRD
 * (monitoring.coreos.com/v1); its types and patterns are the JSON schema's to check.
 */
final class ManifestValidator {

    private static final Map<String, Class<?>> MODELS = Map.of(
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Secret", V1Secret.class,
            "v1/Service", V1Service.class,
            "apps/v1/StatefulSet", V1StatefulSet.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class);
    private static final Gson GSON = new JSON().getGson();
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** The duration pattern of the operator's CRD for interval and scrapeTimeout. */
    private static final Pattern PROMETHEUS_DURATION = Pattern.compile(
            "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$");
    private static final Set<String> SERVICE_MONITOR_SPEC = Set.of("attachMetadata", "bodySizeLimit", "endpoints",
            "fallbackScrapeProtocol", "jobLabel", "keepDroppedTargets", "labelLimit", "labelNameLengthLimit",
            "labelValueLengthLimit", "namespaceSelector", "nativeHistogramBucketLimit",
            "nativeHistogramMinBucketFactor", "podTargetLabels", "sampleLimit", "scrapeClass",
            "scrapeClassicHistograms", "scrapeProtocols", "selector", "selectorMechanism", "targetLabels",
            "targetLimit");
    private static final Set<String> SERVICE_MONITOR_ENDPOINT = Set.of("authorization", "basicAuth",
            "bearerTokenFile", "bearerTokenSecret", "enableHttp2", "filterRunning", "followRedirects", "honorLabels",
            "honorTimestamps", "interval", "metricRelabelings", "noProxy", "oauth2", "params", "path", "port",
            "proxyConnectHeader", "proxyFromEnvironment", "proxyUrl", "relabelings", "scheme", "scrapeTimeout",
            "targetPort", "tlsConfig", "trackTimestampsStaleness");

    private ManifestValidator() {
    }

    /** Every problem of one resource, each starting with kind/name; empty when it is valid. */
    static List<String> problems(JsonNode resource) {
        String id = resource.path("kind").asText("?") + "/" + resource.path("metadata").path("name").asText("?");
        List<String> problems = new ArrayList<>();
        String name = resource.path("metadata").path("name").asText("");
        if (!DNS_1123.matcher(name).matches() || name.length() > 253) {
            problems.add(id + ": metadata.name '" + name + "' is not a DNS-1123 name");
        }
        String type = resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
        if (type.equals("monitoring.coreos.com/v1/ServiceMonitor")) {
            serviceMonitor(id, resource, problems);
        } else if (MODELS.containsKey(type)) {
            schema(id, MODELS.get(type), resource, problems);
        } else {
            problems.add(id + ": no schema for " + type);
        }
        return problems;
    }

    private static void schema(String id, Class<?> model, JsonNode resource, List<String> problems) {
        JsonElement json = JsonParser.parseString(resource.toString());
        if (model == V1Secret.class && json.getAsJsonObject().has("data")) {
            // kustomize wraps long base64 values in lines, which the API server's decoder skips
            json.getAsJsonObject().getAsJsonObject("data").entrySet().forEach(e -> e.setValue(
                    new com.google.gson.JsonPrimitive(e.getValue().getAsString().replaceAll("[\\r\\n]", ""))));
        }
        try {
            model.getMethod("validateJsonElement", JsonElement.class).invoke(null, json);
        } catch (InvocationTargetException e) {
            problems.add(id + ": " + e.getCause().getMessage());
            return;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(model + " has no schema validation", e);
        }
        try {
            JsonElement typed = GSON.toJsonTree(GSON.fromJson(json, model));
            compare(id, "", json, typed, problems);
        } catch (RuntimeException e) {
            problems.add(id + ": a value has the wrong type: " + e.getMessage());
        }
    }

    /** Every value written must come back unchanged from the typed model: else its type was wrong. */
    private static void compare(String id, String path, JsonElement written, JsonElement typed, List<String> problems) {
        if (written.isJsonObject() && typed.isJsonObject()) {
            written.getAsJsonObject().entrySet().forEach(e -> compare(id, path + "." + e.getKey(), e.getValue(),
                    typed.getAsJsonObject().has(e.getKey()) ? typed.getAsJsonObject().get(e.getKey())
                            : com.google.gson.JsonNull.INSTANCE, problems));
        } else if (written.isJsonArray() && typed.isJsonArray()
                && written.getAsJsonArray().size() == typed.getAsJsonArray().size()) {
            for (int i = 0; i < written.getAsJsonArray().size(); i++) {
                compare(id, path + "[" + i + "]", written.getAsJsonArray().get(i), typed.getAsJsonArray().get(i),
                        problems);
            }
        } else if (!written.equals(typed)) {
            problems.add(id + ": " + path.substring(1) + " has the wrong type: " + written + " reads as " + typed);
        }
    }

    private static void serviceMonitor(String id, JsonNode resource, List<String> problems) {
        only(id, "", resource, Set.of("apiVersion", "kind", "metadata", "spec"), problems);
        schema(id + " metadata", V1ObjectMeta.class, resource.path("metadata"), problems);
        JsonNode spec = resource.path("spec");
        only(id, "spec", spec, SERVICE_MONITOR_SPEC, problems);
        if (!spec.path("selector").isObject()) {
            problems.add(id + ": the required field spec.selector is missing");
        } else {
            schema(id + " spec.selector", V1LabelSelector.class, spec.path("selector"), problems);
        }
        if (!spec.path("endpoints").isArray() || spec.path("endpoints").isEmpty()) {
            problems.add(id + ": spec.endpoints must list at least one endpoint");
        }
        int i = 0;
        for (JsonNode endpoint : spec.path("endpoints")) {
            String at = "spec.endpoints[" + i++ + "]";
            only(id, at, endpoint, SERVICE_MONITOR_ENDPOINT, problems);
            for (String key : List.of("port", "path", "scheme", "interval", "scrapeTimeout")) {
                if (endpoint.has(key) && !endpoint.get(key).isTextual()) {
                    problems.add(id + ": " + at + "." + key + " must be a string");
                }
            }
            for (String key : List.of("interval", "scrapeTimeout")) {
                if (endpoint.has(key) && !PROMETHEUS_DURATION.matcher(endpoint.get(key).asText()).matches()) {
                    problems.add(id + ": " + at + "." + key + " '" + endpoint.get(key).asText()
                            + "' is not a Prometheus duration");
                }
            }
            if (!endpoint.has("port") && !endpoint.has("targetPort")) {
                problems.add(id + ": " + at + " names neither port nor targetPort");
            }
        }
    }

    private static void only(String id, String at, JsonNode node, Set<String> allowed, List<String> problems) {
        if (!node.isObject()) {
            problems.add(id + ": " + (at.isEmpty() ? "the resource" : at) + " must be an object");
            return;
        }
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!allowed.contains(key)) {
                problems.add(id + ": the field " + (at.isEmpty() ? "" : at + ".") + key + " is not defined by the schema");
            }
        }
    }
}
