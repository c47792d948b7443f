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
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kustomization under deploy/k8s renders, each resource validates against the Kubernetes schema, and
 * the resources fit together. No cluster: this runs in the test command on any machine.
 */
class ManifestValidationTest {

    private static final Path K8S = Path.of("deploy/k8s");

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void every_rendered_manifest_is_valid_and_consistent(String kustomization) {
        List<ObjectNode> resources = Kustomization.render(K8S.resolve(kustomization));

        assertThat(resources).extracting(r -> r.path("kind").asText())
                .contains("StatefulSet", "Service", "ConfigMap", "PodDisruptionBudget", "ServiceMonitor");
        assertThat(problems(resources)).isEmpty();
    }

    @Test
    void overlays_set_their_namespace_and_image() {
        List<ObjectNode> prod = Kustomization.render(K8S.resolve("overlays/prod"));

        assertThat(prod).allSatisfy(r -> assertThat(r.path("metadata").path("namespace").asText()).isEqualTo("lwm2m"));
        assertThat(statefulSet(prod).at("/spec/template/spec/containers/0/image").asText())
                .isEqualTo("registry.example.org/iot/lwm2m-gateway:0.1.0");
        assertThat(statefulSet(prod).at("/spec/template/spec/containers/0/resources/limits/memory").asText())
                .isEqualTo("768Mi");
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void the_test_renderer_agrees_with_kubectl_kustomize(String kustomization) throws Exception {
        Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed: rendering compared on machines that have it");
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", K8S.resolve(kustomization).toString())
                .redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes());
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as(out).isZero();
        List<JsonNode> theirs = new ArrayList<>();
        Kustomization.YAML.readerFor(JsonNode.class).readValues(out).forEachRemaining(d -> theirs.add((JsonNode) d));

        assertThat(sorted(Kustomization.render(K8S.resolve(kustomization)))).isEqualTo(sorted(theirs));
    }

    // --- a broken manifest is caught ---------------------------------------------------------------------

    @Test
    void a_misspelled_field_in_a_file_is_caught(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        Path file = copy.resolve("base/statefulset.yaml");
        Files.writeString(file, Files.readString(file).replace("imagePullPolicy:", "imagePulPolicy:"));

        assertThat(problems(Kustomization.render(copy.resolve("overlays/prod"))))
                .anySatisfy(p -> assertThat(p).contains("imagePulPolicy").contains("not defined"));
    }

    @Test
    void a_wrong_type_in_a_file_is_caught(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        Path file = copy.resolve("base/statefulset.yaml");
        Files.writeString(file, Files.readString(file).replace("runAsNonRoot: true", "runAsNonRoot: \"yes\""));

        assertThat(problems(Kustomization.render(copy.resolve("base"))))
                .anySatisfy(p -> assertThat(p).contains("runAsNonRoot").contains("wrong type"));
    }

    @Test
    void a_missing_required_field_is_caught() {
        assertThat(brokenStatefulSet(s -> ((ObjectNode) s.get("spec")).remove("selector")))
                .anySatisfy(p -> assertThat(p).contains("required field `selector`"));
    }

    @Test
    void a_port_number_that_is_not_a_number_is_caught() {
        assertThat(brokenStatefulSet(s -> ((ObjectNode) s.at("/spec/template/spec/containers/0/ports/0"))
                .put("containerPort", "coap")))
                .anySatisfy(p -> assertThat(p).contains("wrong type"));
    }

    @Test
    void an_unparsable_quantity_is_caught() {
        assertThat(brokenStatefulSet(s -> ((ObjectNode) s.at("/spec/template/spec/containers/0/resources/limits"))
                .put("memory", "half a gig")))
                .anySatisfy(p -> assertThat(p).contains("wrong type"));
    }

    @Test
    void a_service_monitor_with_an_unknown_field_or_port_is_caught() {
        List<ObjectNode> resources = Kustomization.render(K8S.resolve("base"));
        ObjectNode endpoint = (ObjectNode) of(resources, "ServiceMonitor").at("/spec/endpoints/0");
        endpoint.put("intervall", "30s");
        endpoint.put("port", "metrics");

        assertThat(problems(resources))
                .anySatisfy(p -> assertThat(p).contains("spec.endpoints[0].intervall is not defined"))
                .anySatisfy(p -> assertThat(p).contains("has no port named 'metrics'"));
    }

    @Test
    void a_grace_period_shorter_than_delay_plus_timeout_is_caught() {
        assertThat(brokenStatefulSet(s -> ((ObjectNode) s.at("/spec/template/spec")).put("terminationGracePeriodSeconds", 10)))
                .anySatisfy(p -> assertThat(p).contains("terminationGracePeriodSeconds 10 must exceed"));
    }

    @Test
    void a_writable_root_or_missing_tmp_volume_is_caught() {
        assertThat(brokenStatefulSet(s -> {
            ObjectNode container = (ObjectNode) s.at("/spec/template/spec/containers/0");
            ((ObjectNode) container.get("securityContext")).put("readOnlyRootFilesystem", false);
            ((ArrayNode) container.get("volumeMounts")).remove(1);
        })).anySatisfy(p -> assertThat(p).contains("readOnlyRootFilesystem must be true"))
                .anySatisfy(p -> assertThat(p).contains("/tmp must be a writable volume"));
    }

    @Test
    void durable_state_outside_the_volume_is_caught() {
        List<ObjectNode> resources = Kustomization.render(K8S.resolve("overlays/prod"));
        ((ObjectNode) of(resources, "ConfigMap").get("data")).put("GATEWAY_LWM2M_STATE_DIRECTORY", "data/registrations");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p).contains("GATEWAY_LWM2M_STATE_DIRECTORY must lie on the /data volume"));
    }

    @Test
    void jvm_options_without_exit_on_out_of_memory_are_caught() {
        List<ObjectNode> resources = Kustomization.render(K8S.resolve("overlays/prod"));
        assertThat(problems(resources)).noneMatch(p -> p.contains("ExitOnOutOfMemoryError"));
        ((ObjectNode) of(resources, "ConfigMap").get("data")).put("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=50");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p)
                .contains("JAVA_TOOL_OPTIONS must contain -XX:+ExitOnOutOfMemoryError"));
    }

    @Test
    void every_folder_the_gateway_writes_is_set_and_a_missing_one_is_caught() {
        assertThat(ManifestConsistency.writableDirectoryKeys()).containsExactlyInAnyOrder(
                "GATEWAY_COMMANDS_STORE_DIRECTORY", "GATEWAY_LWM2M_STATE_DIRECTORY",
                "GATEWAY_FIRMWARE_IMAGE_DIRECTORY", "GATEWAY_FIRMWARE_CAMPAIGN_DIRECTORY",
                "GATEWAY_LWM2M_SECURITY_PROVISIONING_DIRECTORY");
        List<ObjectNode> resources = Kustomization.render(K8S.resolve("overlays/prod"));
        ((ObjectNode) of(resources, "ConfigMap").get("data")).remove("GATEWAY_FIRMWARE_IMAGE_DIRECTORY");

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p)
                .contains("GATEWAY_FIRMWARE_IMAGE_DIRECTORY is not set"));
    }

    @Test
    void a_service_pointing_at_an_undeclared_port_is_caught() {
        List<ObjectNode> resources = Kustomization.render(K8S.resolve("base"));
        resources.stream().filter(r -> r.path("metadata").path("name").asText().equals("lwm2m-gateway-coap"))
                .forEach(s -> ((ObjectNode) s.at("/spec/ports/0")).put("protocol", "TCP"));

        assertThat(problems(resources)).anySatisfy(p -> assertThat(p).contains("targetPort 'coap' (TCP) is no container port"));
    }

    @Test
    void a_kustomization_feature_the_renderer_does_not_know_is_refused(@TempDir Path copy) throws IOException {
        copyTree(K8S, copy);
        Path file = copy.resolve("overlays/dev/kustomization.yaml");
        Files.writeString(file, Files.readString(file) + "commonLabels:\n  team: iot\n");

        assertThatThrownBy(() -> Kustomization.render(copy.resolve("overlays/dev")))
                .hasMessageContaining("'commonLabels' is not supported");
    }

    // -----------------------------------------------------------------------------------------------------

    private static List<String> brokenStatefulSet(Consumer<ObjectNode> breakIt) {
        List<ObjectNode> resources = Kustomization.render(K8S.resolve("base"));
        breakIt.accept(statefulSet(resources));
        return problems(resources);
    }

    static List<String> problems(List<ObjectNode> resources) {
        List<String> problems = new ArrayList<>();
        resources.forEach(r -> problems.addAll(ManifestValidator.problems(r)));
        problems.addAll(ManifestConsistency.problems(resources, shutdownTimeout()));
        return problems;
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

    private static ObjectNode statefulSet(List<ObjectNode> resources) {
        return of(resources, "StatefulSet");
    }

    private static ObjectNode of(List<ObjectNode> resources, String kind) {
        return resources.stream().filter(r -> r.path("kind").asText().equals(kind)).findFirst().orElseThrow();
    }

    private static List<JsonNode> sorted(List<? extends JsonNode> resources) {
        return resources.stream().map(JsonNode.class::cast)
                .sorted(Comparator.comparing((JsonNode r) -> r.path("kind").asText())
                        .thenComparing(r -> r.path("metadata").path("name").asText()))
                .toList();
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
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
