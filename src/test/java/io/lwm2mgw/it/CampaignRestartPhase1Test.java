package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** First half of the campaign restart test ({@link CampaignRestartPhase2Test}): the gateway stops mid-campaign. */
@QuarkusTest
@TestProfile(RestartProfile.Phase1Before.class)
class CampaignRestartPhase1Test {

    @Inject
    Lwm2mEndpoint lwm2m;

    static String endpoint(int i) {
        return RestartProfile.CAMPAIGN + "-lamp-" + i;
    }

    @Test
    void a_campaign_is_under_way_when_the_gateway_stops() {
        List<TestDevice> devices = new ArrayList<>();
        String statusTopic = "lwm2m/campaigns/" + RestartProfile.CAMPAIGN + "/status";
        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), statusTopic)) {
            for (int i = 0; i < RestartProfile.CAMPAIGN_DEVICES; i++) {
                devices.add(givenDevice(endpoint(i)).withFirmware(new FirmwareUpdateObject.Behaviour()
                        .updatingFor(Duration.ofMillis(1500))).registeredAt(lwm2m.boundPort().orElseThrow()));
            }
            Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                    .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
            app.connect();
            String image = Base64.getEncoder().encodeToString(TestFirmwareImages.valid("9.9.9", 4000));
            String endpoints = IntStream.range(0, RestartProfile.CAMPAIGN_DEVICES)
                    .mapToObj(i -> "\"" + endpoint(i) + "\"").collect(Collectors.joining(","));
            app.publishWith().topic("lwm2m/campaigns/" + RestartProfile.CAMPAIGN + "/start").qos(MqttQos.AT_LEAST_ONCE)
                    .payload(("{\"endpoints\":[" + endpoints + "],\"image\":{\"base64\":\"" + image
                            + "\"},\"method\":\"push\",\"maxConcurrent\":2}").getBytes(StandardCharsets.UTF_8)).send();
            app.disconnect();

            await().atMost(Duration.ofSeconds(60)).until(() -> mqtt.last(statusTopic)
                    .map(m -> m.json().get("succeeded").asInt() >= 2).orElse(false));
            JsonNode status = mqtt.last(statusTopic).orElseThrow().json();
            assertThat(status.get("state").asText()).isEqualTo("running");
            assertThat(status.get("succeeded").asInt()).isLessThan(RestartProfile.CAMPAIGN_DEVICES);
        } finally {
            // the devices lose power with the gateway; they come back (as new clients) after the restart
            devices.forEach(TestDevice::vanish);
        }
    }
}
