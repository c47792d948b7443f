package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway publishes to a broker that accepts only TLS with a client certificate from the test CA:
 * what a device does arrives at the broker (read back on its plain listener, which shares the topics).
 */
@QuarkusIntegrationTest
@TestProfile(MqttTlsIT.OverTls.class)
class MqttTlsIT {

    /** The test's own ports and folders, the broker's TLS listener. */
    public static class OverTls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(PackagedAppResource.isolated());
            config.putAll(new MqttTlsResource().start());
            return config;
        }
    }

    @Test
    void events_reach_a_broker_that_requires_tls_and_a_client_certificate() {
        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort());
                TestDevice device = givenDevice("tls-dev").registeredAt(PackagedAppResource.coapPort())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !mqtt.on("lwm2m/tls-dev/events/registered").isEmpty());
            assertThat(mqtt.last("lwm2m/tls-dev/status").orElseThrow().json().get("state").asText())
                    .isEqualTo("registered");
        }
    }
}
