package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A firmware campaign across a restart of the packaged gateway (SIGTERM, same folders): stopped half done, it
 * carries on in the next life and updates no device twice.
 */
class CampaignRestartIT {

    private static final int DEVICES = 6;

    @Test
    void a_campaign_stopped_half_done_carries_on_after_the_restart_and_no_device_is_updated_twice() throws Exception {
        try (RestartableGateway gateway = new RestartableGateway("gw-campaign", TestBrokers.mqttPort(),
                "-Dgateway.firmware.poll-interval=300ms", "-Dgateway.firmware.update-timeout=30s",
                "-Dgateway.firmware.device-download-timeout=60s")) {
            String campaign = "restart-campaign";
            String statusTopic = gateway.root() + "/campaigns/" + campaign + "/status";
            List<String> endpoints = IntStream.range(0, DEVICES).mapToObj(i -> "campaign-lamp-" + i + "-" + gateway.id())
                    .toList();
            gateway.start();
            List<TestDevice> devices = new ArrayList<>();
            try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), statusTopic)) {
                for (String endpoint : endpoints) {
                    devices.add(givenDevice(endpoint).withFirmware(new FirmwareBehaviour()
                            .updatingFor(Duration.ofMillis(1500))).registeredAt(gateway.coapPort()));
                }
                String image = Base64.getEncoder().encodeToString(TestFirmwareImages.valid("9.9.9", 4000));
                gateway.campaign(campaign, "{\"endpoints\":[" + endpoints.stream().map(e -> "\"" + e + "\"")
                        .collect(Collectors.joining(",")) + "],\"image\":{\"base64\":\"" + image
                        + "\"},\"method\":\"push\",\"maxConcurrent\":2}");
                await().atMost(Duration.ofSeconds(60)).until(() -> mqtt.last(statusTopic)
                        .map(m -> m.json().get("succeeded").asInt() >= 2).orElse(false));
                JsonNode status = mqtt.last(statusTopic).orElseThrow().json();
                assertThat(status.get("state").asText()).isEqualTo("running");
                assertThat(status.get("succeeded").asInt()).isLessThan(DEVICES);
            } finally {
                // the devices lose power with the gateway; they come back (as new clients) after the restart
                devices.forEach(TestDevice::vanish);
            }
            gateway.stop();
            gateway.start();

            devices.clear();
            try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), statusTopic)) {
                // the retained status is what the first life last stored and published
                await().atMost(Duration.ofSeconds(10)).until(() -> mqtt.last(statusTopic).isPresent());
                JsonNode before = mqtt.last(statusTopic).orElseThrow().json();
                Set<String> doneBefore = StreamSupport.stream(
                        ((Iterable<Map.Entry<String, JsonNode>>) () -> before.get("devices").fields()).spliterator(),
                        false).filter(e -> e.getValue().asText().equals("succeeded")).map(Map.Entry::getKey)
                        .collect(Collectors.toSet());
                assertThat(doneBefore).isNotEmpty().hasSizeLessThan(DEVICES);

                for (String endpoint : endpoints) {
                    devices.add(givenDevice(endpoint).withFirmware(new FirmwareBehaviour()).registeredAt(gateway.coapPort()));
                }
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(mqtt.last(statusTopic)
                        .map(m -> m.json().get("state").asText())).as(gateway.allOutput()).hasValue("completed"));
                JsonNode after = mqtt.last(statusTopic).orElseThrow().json();
                assertThat(after.get("succeeded").asInt()).isEqualTo(DEVICES);
                for (TestDevice device : devices) {
                    String expected = doneBefore.contains(device.endpoint()) ? "1.0.0" : "9.9.9";
                    assertThat(device.firmwareVersion()).as(device.endpoint()).isEqualTo(expected);
                }
            } finally {
                devices.forEach(TestDevice::close);
            }
        }
    }
}
