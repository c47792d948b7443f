package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Second half of the campaign restart test: the restarted gateway carries on and updates no device twice. */
@QuarkusTest
@TestProfile(RestartProfile.Phase2After.class)
class CampaignRestartPhase2Test {

    @Inject
    Lwm2mEndpoint lwm2m;

    @Test
    void the_campaign_carries_on_after_the_restart_and_no_device_is_updated_twice() {
        String statusTopic = "lwm2m/campaigns/" + RestartProfile.CAMPAIGN + "/status";
        List<TestDevice> devices = new ArrayList<>();
        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), statusTopic)) {
            // the retained status is what the first gateway last stored and published
            await().atMost(Duration.ofSeconds(10)).until(() -> mqtt.last(statusTopic).isPresent());
            JsonNode before = mqtt.last(statusTopic).orElseThrow().json();
            Set<String> doneBefore = StreamSupport.stream(
                    ((Iterable<java.util.Map.Entry<String, JsonNode>>) () -> before.get("devices").fields()).spliterator(),
                    false).filter(e -> e.getValue().asText().equals("succeeded")).map(java.util.Map.Entry::getKey)
                    .collect(Collectors.toSet());
            assertThat(doneBefore).isNotEmpty().hasSizeLessThan(RestartProfile.CAMPAIGN_DEVICES);

            for (int i = 0; i < RestartProfile.CAMPAIGN_DEVICES; i++) {
                devices.add(givenDevice(CampaignRestartPhase1Test.endpoint(i))
                        .withFirmware(new FirmwareUpdateObject.Behaviour())
                        .registeredAt(lwm2m.boundPort().orElseThrow()));
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> mqtt.last(statusTopic)
                    .map(m -> m.json().get("state").asText().equals("completed")).orElse(false));
            JsonNode after = mqtt.last(statusTopic).orElseThrow().json();
            assertThat(after.get("succeeded").asInt()).isEqualTo(RestartProfile.CAMPAIGN_DEVICES);
            for (TestDevice device : devices) {
                String expected = doneBefore.contains(device.endpoint()) ? "1.0.0" : "9.9.9";
                assertThat(device.firmwareVersion()).as(device.endpoint()).isEqualTo(expected);
            }
        } finally {
            devices.forEach(TestDevice::close);
        }
    }
}
