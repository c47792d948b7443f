package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The gateway publishes to a broker that accepts only TLS with a client certificate from the test CA: what a
 * device does arrives at the broker (read back on its plain listener, which shares the topics).
 */
@QuarkusTest
@WithTestResource(MqttTlsResource.class)
class MqttTlsTest {

    @Inject
    Lwm2mEndpoint lwm2m;

    @Test
    void events_reach_a_broker_that_requires_tls_and_a_client_certificate() {
        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort());
                TestDevice device = givenDevice("tls-dev").registeredAt(lwm2m.boundPort().orElseThrow())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !mqtt.on("lwm2m/tls-dev/events/registered").isEmpty());
            assertThat(mqtt.last("lwm2m/tls-dev/status").orElseThrow().json().get("state").asText())
                    .isEqualTo("registered");
        }
    }
}
