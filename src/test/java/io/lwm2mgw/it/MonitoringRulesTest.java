package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The alert rules and the Grafana dashboard under deploy/monitoring name only series the gateway exposes:
 * after a registration, a command and a firmware update, every metric they query is on /q/metrics.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class MonitoringRulesTest {

    private static final Pattern METRIC = Pattern.compile("\\b(?:lwm2m|northbound)_[a-z_]+\\b");

    @Inject
    Lwm2mEndpoint lwm2m;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    private static Set<String> queried(JsonNode node, Set<String> into) {
        if (node.isTextual()) {
            Matcher m = METRIC.matcher(node.asText());
            while (m.find()) {
                into.add(m.group());
            }
        }
        node.forEach(child -> queried(child, into));
        return into;
    }

    private Set<String> exposed() throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics.toURI()).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void every_metric_the_alerts_and_the_dashboard_query_is_exposed() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/monitoring/prometheus-rules.yaml")
                .toFile());
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy/monitoring/grafana-dashboard.json").toFile());
        Set<String> queried = queried(dashboard, queried(rules, new TreeSet<>()));
        assertThat(rules.at("/groups/0/rules")).extracting(r -> r.get("alert").asText()).contains(
                "Lwm2mGatewayBrokerUnreachable", "Lwm2mGatewayDroppingTelemetry",
                "Lwm2mGatewayRegisteredDevicesFalling", "Lwm2mGatewayFirmwareFailing");
        assertThat(queried).hasSizeGreaterThan(15);

        // what makes the lazily created series appear: a command and a firmware update
        try (TestDevice device = givenDevice("mon-" + UUID.randomUUID().toString().substring(0, 8))
                .withFirmware(new FirmwareBehaviour()).registeredAt(lwm2m.boundPort().orElseThrow());
                MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort())) {
            Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                    .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
            app.connect();
            app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"path\":\"/3/0/9\"}".getBytes(StandardCharsets.UTF_8)).send();
            String image = Base64.getEncoder().encodeToString(TestFirmwareImages.valid("9.9.9", 2000));
            app.publishWith().topic("lwm2m/" + device.endpoint() + "/commands/firmware-update")
                    .qos(MqttQos.AT_LEAST_ONCE).payload(("{\"image\":{\"base64\":\"" + image + "\"},\"method\":\"push\"}")
                            .getBytes(StandardCharsets.UTF_8)).send();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    !mqtt.on("lwm2m/" + device.endpoint() + "/results/firmware-update").isEmpty());
            app.disconnect();
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(exposed()).containsAll(queried));
    }
}
