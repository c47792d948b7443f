package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * First half of the restart tests ({@link RestartPhase2Test} is the second): commands queued for a sleeping
 * device, and a command in flight to a device that does not answer, when the gateway stops.
 */
@QuarkusTest
@TestProfile(RestartProfile.Phase1Before.class)

class RestartPhase1Test {

    @Inject
    Lwm2mEndpoint lwm2m;

    @Test
    void commands_are_queued_and_one_is_in_flight_when_the_gateway_stops() {
        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort(), "lwm2m/#", RestartProfile.PROBE, true)) {
            Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("app-" + UUID.randomUUID())
                    .serverHost("127.0.0.1").serverPort(TestBrokers.mqttPort()).buildBlocking();
            app.connect();
            TestDevice sleepy = givenDevice(RestartProfile.ENDPOINT).withLight().inQueueMode()
                    .registeredAt(lwm2m.boundPort().orElseThrow());
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> !mqtt.on("lwm2m/" + RestartProfile.ENDPOINT + "/events/sleeping").isEmpty());
            for (int i = 1; i <= 2; i++) {
                app.publishWith().topic("lwm2m/" + RestartProfile.ENDPOINT + "/commands/write")
                        .qos(MqttQos.AT_LEAST_ONCE).payload(("{\"id\":\"keep-" + i + "\",\"path\":\"/3311/0/5851\","
                                + "\"value\":" + (i * 7) + "}").getBytes(StandardCharsets.UTF_8)).send();
            }
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> mqtt.on("lwm2m/" + RestartProfile.ENDPOINT + "/results/write").size() == 2);
            assertThat(mqtt.on("lwm2m/" + RestartProfile.ENDPOINT + "/results/write"))
                    .extracting(m -> m.json().get("status").asText()).containsExactly("queued", "queued");
            sleepy.close();

            TestDevice silent = givenDevice(RestartProfile.SILENT).registeredAt(lwm2m.boundPort().orElseThrow());
            silent.close(); // registered, no longer answering: the next command stays in flight
            app.publishWith().topic("lwm2m/" + RestartProfile.SILENT + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("{\"id\":\"crash-1\",\"path\":\"/3/0/0\",\"timeout\":60}".getBytes(StandardCharsets.UTF_8))
                    .send();
            app.disconnect();
        }
    }
}
