package io.lwm2mgw.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization under deploy/k8s, rendered by {@code kubectl kustomize}, validates against the JSON
 * schemas ({@link SchemaValidator}), the strict field lists ({@link ManifestValidator}) and the consistency
 * rules ({@link ManifestConsistency} and the classes it calls). No cluster: this runs offline in the test
 * command. The tests below break manifests on purpose to show that each check fires.
 */
class ManifestValidationTest {

    private static final Path K8S = Path.of("deploy/k8s");

    @BeforeAll
    static void kubectlRenders() {
        String why = Rendering.whyKubectlCannotRender();
        Assumptions.assumeTrue(why == null, () -> "manifests not rendered: " + why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void every_rendered_manifest_is_valid_and_consistent(String kustomization) {
        String rendered = Rendering.renderText(K8S.resolve(kustomization));
        List<ObjectNode> resources = Rendering.parse(rendered);

        assertThat(resources).extracting(r -> r.path("kind").asText()).contains("StatefulSet", "Service",
                "ConfigMap", "PodDisruptionBudget", "NetworkPolicy", "ServiceMonitor");
        assertThat(SchemaValidator.problems(rendered)).isEmpty();
        assertThat(Rendering.unmatchedPatches(K8S.resolve(kustomization), resources)).isEmpty();
        assertThat(problems(resources)).isEmpty();
    }

    @Test
    void prod_runs_three_replicas_on_redis_and_dev_one_on_the_embedded_engine() {
        List<ObjectNode> prod = render("overlays/prod");
        List<ObjectNode> dev = render("overlays/dev");

        assertThat(gateway(prod).at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(Resources.configuration(prod)).containsEntry("GATEWAY_STATE_BACKEND", "redis")
                .containsEntry("QUARKUS_REDIS_HOSTS", "redis://lwm2m-gateway-redis:6379")
                .containsEntry("GATEWAY_FIRMWARE_PULL_URI_HOST", "lwm2m.example.org");
        assertThat(of(prod, "PodDisruptionBudget").at("/spec/minAvailable").asInt()).isEqualTo(2);
        assertThat(prod).extracting(Resources::name).contains("lwm2m-gateway-redis");
        assertThat(gateway(dev).at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(Resources.configuration(dev)).containsEntry("GATEWAY_STATE_BACKEND", "embedded");
        assertThat(dev).extracting(Resources::name).doesNotContain("lwm2m-gateway-redis");
    }

    @Test
    void overlays_set_their_namespace_and_image() {
        List<ObjectNode> prod = render("overlays/prod");

        assertThat(prod).allSatisfy(r -> assertThat(r.path("metadata").path("namespace").asText()).isEqualTo("lwm2m"));
        assertThat(gateway(prod).at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("registry.example.org/iot/lwm2m-gateway:0.1.0");
        assertThat(gateway(prod).at("/spec/template/spec/containers/0/resources/limits/memory").asText())
                .isEqualTo("768Mi");
    }

    @Test
    void a_configuration_change_rolls_the_pods(@TempDir Path copy) throws IOException {
        JsonNode before = gateway(render("overlays/prod")).at("/spec/template");
        copyTree(K8S, copy);
        edit(copy.resolve("base/gateway.env"), "GATEWAY_MQTT_PORT=1883", "GATEWAY_MQTT_PORT=8883");

        List<ObjectNode> changed = Rendering.render(copy.resolve("overlays/prod"));
        String configMap = Resources.ofKind(changed, "ConfigMap").get(0).path("metadata").path("name").asText();
        assertThat(gateway(changed).at("/spec/template/spec/containers/0/envFrom/0/configMapRef/name").asText())
                .isEqualTo(configMap).startsWith("lwm2m-gateway-");
        assertThat(gateway(changed).at("/spec/template")).isNotEqualTo(before);
    }

    @Test
    void the_firmware_pull_host_is_the_host_name_the_coap_service_publishes(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        edit(copy.resolve("overlays/prod/kustomization.yaml"), "hostname: lwm2m.example.org",
                "hostname: devices.example.net");

        assertThat(Resources.configuration(Rendering.render(copy.resolve("overlays/prod"))))
                .containsEntry("GATEWAY_FIRMWARE_PULL_URI_HOST", "devices.example.net");
    }

    // --- a broken manifest is caught ---------------------------------------------------------------------

    @Test
    void a_misspelled_field_in_a_file_is_caught(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        edit(copy.resolve("base/statefulset.yaml"), "imagePullPolicy:", "imagePulPolicy:");

        assertThat(problems(Rendering.render(copy.resolve("overlays/prod"))))
                .anySatisfy(p -> assertThat(p).contains("imagePulPolicy").contains("not defined"));
    }

    @Test
    void a_wrong_type_or_an_unknown_protocol_in_a_file_is_caught_by_the_schema(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        edit(copy.resolve("base/statefulset.yaml"), "runAsNonRoot: true", "runAsNonRoot: \"yes\"");
        edit(copy.resolve("base/networkpolicy.yaml"), "protocol: TCP", "protocol: HTTP");

        assertThat(SchemaValidator.problems(Rendering.renderText(copy.resolve("overlays/prod"))))
                .anySatisfy(p -> assertThat(p).startsWith("StatefulSet/lwm2m-gateway: ")
                        .contains("/spec/template/spec/securityContext/runAsNonRoot must be boolean"))
                .anySatisfy(p -> assertThat(p).startsWith("NetworkPolicy/lwm2m-gateway: ")
                        .contains("/spec/ingress/1/ports/0/protocol must be equal to one of the allowed values"));
    }

    @Test
    void a_kustomization_kubectl_cannot_render_fails_with_its_message(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        edit(copy.resolve("overlays/prod/kustomization.yaml"), "name: lwm2m-gateway-coap\n      fieldPath",
                "name: lwm2m-gateway-coaps\n      fieldPath");

        assertThatThrownBy(() -> Rendering.render(copy.resolve("overlays/prod")))
                .hasMessageContaining("kubectl kustomize").hasMessageContaining("lwm2m-gateway-coaps");
    }

    @Test
    void a_patch_whose_target_matches_nothing_is_caught(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        Path prod = copy.resolve("overlays/prod");
        edit(prod.resolve("kustomization.yaml"), "name: lwm2m-gateway-headless", "name: lwm2m-gateway-headles");

        assertThat(Rendering.unmatchedPatches(prod, Rendering.render(prod)))
                .containsExactly(prod + ": the patch of Service/lwm2m-gateway-headles matches no resource");
    }

    @Test
    void a_missing_required_field_is_caught() {
        List<ObjectNode> resources = render("base");
        ((ObjectNode) gateway(resources).get("spec")).remove("selector");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p).contains("required field `selector`"));
        assertThat(SchemaValidator.problems(resources))
                .containsExactly("StatefulSet/lwm2m-gateway: /spec must have required property selector");
    }

    @Test
    void an_unparsable_quantity_is_caught() {
        List<ObjectNode> resources = render("base");
        ((ObjectNode) gateway(resources).at("/spec/template/spec/containers/0/resources/limits")).put("memory", "half a gig");

        assertThat(SchemaValidator.problems(resources)).singleElement().asString()
                .startsWith("StatefulSet/lwm2m-gateway: /spec/template/spec/containers/0/resources/limits/memory ")
                .contains("must match format \"quantity\"");
    }

    @Test
    void a_service_monitor_with_an_unknown_field_port_or_interval_is_caught() {
        List<ObjectNode> resources = render("base");
        ObjectNode endpoint = (ObjectNode) of(resources, "ServiceMonitor").at("/spec/endpoints/0");
        endpoint.put("intervall", "30s");
        endpoint.put("port", "metrics");
        endpoint.put("scrapeTimeout", "ten seconds");

        assertThat(problems(resources))
                .anySatisfy(p -> assertThat(p).contains("spec.endpoints[0].intervall is not defined"))
                .anySatisfy(p -> assertThat(p).contains("has no port named 'metrics'"));
        assertThat(SchemaValidator.problems(resources)).singleElement().asString()
                .contains("ServiceMonitor/lwm2m-gateway: /spec/endpoints/0/scrapeTimeout must match pattern");
    }

    @Test
    void a_grace_period_shorter_than_delay_plus_timeout_is_caught() {
        assertThat(brokenGateway("base", s -> ((ObjectNode) s.at("/spec/template/spec")).put("terminationGracePeriodSeconds", 10)))
                .anySatisfy(p -> assertThat(p).contains("terminationGracePeriodSeconds 10 must exceed"));
    }

    @Test
    void a_readiness_probe_that_gives_up_at_once_or_notices_a_stop_too_late_is_caught() {
        assertThat(brokenGateway("base", s -> ((ObjectNode) s.at("/spec/template/spec/containers/0/readinessProbe"))
                .put("failureThreshold", 1)))
                .anySatisfy(p -> assertThat(p).contains("readinessProbe.failureThreshold must be at least 3"));
        assertThat(brokenGateway("base", s -> ((ObjectNode) s.at("/spec/template/spec/containers/0/readinessProbe"))
                .put("periodSeconds", 2)))
                .anySatisfy(p -> assertThat(p).contains("notices a stop after 6 s, not within QUARKUS_SHUTDOWN_DELAY 5s"));
    }

    @Test
    void a_writable_root_or_missing_tmp_volume_is_caught() {
        assertThat(brokenGateway("base", s -> {
            ObjectNode container = (ObjectNode) s.at("/spec/template/spec/containers/0");
            ((ObjectNode) container.get("securityContext")).put("readOnlyRootFilesystem", false);
            ((ArrayNode) container.get("volumeMounts")).remove(1);
        })).anySatisfy(p -> assertThat(p).contains("readOnlyRootFilesystem must be true"))
                .anySatisfy(p -> assertThat(p).contains("/tmp must be a writable volume"));
    }

    @Test
    void a_credentials_file_outside_the_mounted_secret_is_caught() {
        List<ObjectNode> resources = render("overlays/prod");
        data(resources).put("GATEWAY_LWM2M_SECURITY_CREDENTIALS_FILE", "/etc/lwm2m-gateway/credentials/devices.json");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p)
                .contains("devices.json is no key of a Secret volume the container mounts"));
    }

    @Test
    void durable_state_outside_the_volume_is_caught() {
        List<ObjectNode> resources = render("overlays/prod");
        data(resources).put("GATEWAY_LWM2M_STATE_DIRECTORY", "data/registrations");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p).contains("GATEWAY_LWM2M_STATE_DIRECTORY must lie on the /data volume"));
    }

    @Test
    void jvm_options_without_exit_on_out_of_memory_are_caught() {
        List<ObjectNode> resources = render("overlays/prod");
        data(resources).put("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p)
                .contains("JAVA_TOOL_OPTIONS must contain -XX:+ExitOnOutOfMemoryError"));
    }

    @Test
    void every_folder_the_gateway_writes_is_set_and_a_missing_one_is_caught() {
        assertThat(ConfigKeys.writableDirectoryKeys()).containsExactlyInAnyOrder(
                "GATEWAY_COMMANDS_STORE_DIRECTORY", "GATEWAY_LWM2M_STATE_DIRECTORY",
                "GATEWAY_FIRMWARE_IMAGE_DIRECTORY", "GATEWAY_FIRMWARE_CAMPAIGN_DIRECTORY",
                "GATEWAY_LWM2M_SECURITY_PROVISIONING_DIRECTORY");
        List<ObjectNode> resources = render("overlays/prod");
        data(resources).remove("GATEWAY_FIRMWARE_IMAGE_DIRECTORY");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p)
                .contains("GATEWAY_FIRMWARE_IMAGE_DIRECTORY is not set"));
    }

    @Test
    void a_misspelt_configuration_key_is_caught_and_a_real_one_is_not() {
        assertThat(ConfigKeys.known("GATEWAY_FIRMWARE_PULL_URI_HOST")).isTrue();
        assertThat(ConfigKeys.known("GATEWAY_LWM2M_SECURITY_DTLS_CONNECTION_ID_LENGTH")).isTrue();
        List<ObjectNode> resources = render("overlays/dev");
        data(resources).put("GATEWAY_MQTT_HOTS", "mqtt.example.org");

        assertThat(problems(resources)).containsExactly("configuration: GATEWAY_MQTT_HOTS is no property of the "
                + "gateway's configuration (io.lwm2mgw.config): misspelt, or announced without being listed");
    }

    @Test
    void announced_keys_are_not_in_the_code_yet() {
        // a key that has landed is checked like any other: take it off ConfigKeys.ANNOUNCED
        assertThat(ConfigKeys.ANNOUNCED.keySet()).allSatisfy(key -> assertThat(ConfigKeys.known(key))
                .as("%s is in the code now: remove it from ConfigKeys.ANNOUNCED", key).isFalse());
    }

    @Test
    void a_service_pointing_at_an_undeclared_port_is_caught() {
        List<ObjectNode> resources = render("base");
        resources.stream().filter(r -> Resources.name(r).equals("lwm2m-gateway-coap"))
                .forEach(s -> ((ObjectNode) s.at("/spec/ports/0")).put("protocol", "TCP"));

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p).contains("targetPort 'coap' (TCP) is no container port"));
    }

    @Test
    void network_policies_that_open_http_or_the_cluster_port_or_redis_to_anyone_are_caught() {
        List<ObjectNode> resources = render("overlays/prod");
        for (JsonNode policy : Resources.ofKind(resources, "NetworkPolicy")) {
            for (JsonNode rule : policy.at("/spec/ingress")) {
                ((ObjectNode) rule).remove("from");
            }
        }

        assertThat(problems(resources))
                .anySatisfy(p -> assertThat(p).contains("StatefulSet/lwm2m-gateway: port 'http' is open to anyone"))
                .anySatisfy(p -> assertThat(p).contains("StatefulSet/lwm2m-gateway: port 'cluster' is open to anyone"))
                .anySatisfy(p -> assertThat(p).contains("StatefulSet/lwm2m-gateway-redis: port 'redis' is open to anyone"));
    }

    @Test
    void replicas_on_the_embedded_engine_on_one_node_with_a_budget_that_blocks_drains_are_caught() {
        List<ObjectNode> resources = render("overlays/prod");
        data(resources).put("GATEWAY_STATE_BACKEND", "embedded");
        ((ObjectNode) of(resources, "PodDisruptionBudget").get("spec")).put("minAvailable", 3);
        ((ObjectNode) gateway(resources).at("/spec/template/spec")).remove("affinity");

        assertThat(problems(resources))
                .anySatisfy(p -> assertThat(p).contains("GATEWAY_STATE_BACKEND must be redis"))
                .anySatisfy(p -> assertThat(p).contains("must keep at least 2 and at most 2 pods available"))
                .anySatisfy(p -> assertThat(p).contains("needs a pod anti-affinity on kubernetes.io/hostname"));
    }

    @Test
    void replicas_without_a_node_id_from_the_ordinal_or_with_the_cluster_key_in_the_config_map_are_caught() {
        List<ObjectNode> resources = render("overlays/prod");
        data(resources).put("GATEWAY_CLUSTER_PSK", "c2VjcmV0");
        data(resources).remove("GATEWAY_FIRMWARE_PULL_URI_HOST");
        ArrayNode env = (ArrayNode) gateway(resources).at("/spec/template/spec/containers/0/env");
        for (JsonNode e : env) {
            if (e.path("name").asText().equals("GATEWAY_CLUSTER_NODE_ID")) {
                ((ObjectNode) e.at("/valueFrom/fieldRef")).put("fieldPath", "metadata.name");
            }
        }

        assertThat(problems(resources))
                .anySatisfy(p -> assertThat(p).contains("GATEWAY_CLUSTER_NODE_ID must come from the pod's ordinal"))
                .anySatisfy(p -> assertThat(p).contains("GATEWAY_CLUSTER_PSK must come from a Secret"))
                .anySatisfy(p -> assertThat(p).contains("GATEWAY_FIRMWARE_PULL_URI_HOST is not set"));
    }

    // -----------------------------------------------------------------------------------------------------

    /**
     * Every problem the strict field validation and the consistency rules find; the JSON schema is asked
     * separately (one Node process per call), where a test breaks what it checks.
     */
    static List<String> problems(List<ObjectNode> resources) {
        List<String> problems = new ArrayList<>();
        resources.forEach(r -> problems.addAll(ManifestValidator.problems(r)));
        problems.addAll(ManifestConsistency.problems(resources, shutdownTimeout()));
        return problems;
    }

    private static List<ObjectNode> render(String kustomization) {
        return Rendering.render(K8S.resolve(kustomization));
    }

    private static List<String> brokenGateway(String kustomization, Consumer<ObjectNode> breakIt) {
        List<ObjectNode> resources = render(kustomization);
        breakIt.accept(gateway(resources));
        return problems(resources);
    }

    private static Duration shutdownTimeout() {
        Properties app = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Duration.parse("PT" + app.getProperty("quarkus.shutdown.timeout", "0s").toUpperCase());
    }

    private static ObjectNode gateway(List<ObjectNode> resources) {
        return (ObjectNode) Resources.gatewaySets(resources).get(0);
    }

    private static ObjectNode data(List<ObjectNode> resources) {
        return (ObjectNode) of(resources, "ConfigMap").get("data");
    }

    private static ObjectNode of(List<ObjectNode> resources, String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).as("%s contains %s", file, from).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.filter(f -> !f.toString().contains("node_modules")).toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
