package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With NoSec switched off the gateway serves only CoAPS, and is live on it alone. */
@QuarkusTest
@TestProfile(CoapsOnlyTest.CoapsOnly.class)
@WithTestResource(BrokersResource.class)
class CoapsOnlyTest {

    public static class CoapsOnly extends SecurityProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("gateway.lwm2m.security.nosec-enabled", "false");
            return config;
        }
    }

    @Inject
    Lwm2mEndpoint lwm2m;

    @TestHTTPResource("/q/health/live")
    URI live;

    @Test
    void only_coaps_is_served_and_the_gateway_is_live() throws Exception {
        assertThat(lwm2m.boundPort()).as("no plain CoAP endpoint").isEmpty();
        assertThat(lwm2m.coapEndpoints()).hasSize(1)
                .allSatisfy(e -> assertThat(e.getUri().getScheme()).isEqualTo("coaps"));
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(live).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("coaps-port");

        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort());
                TestDevice device = givenDevice("psk-dev").withPsk("psk-dev-id",
                        HexFormat.of().parseHex("0102030405060708"))
                        .registeredAt(lwm2m.secureBoundPort().orElseThrow())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !mqtt.on("lwm2m/psk-dev/events/registered").isEmpty());
        }
    }
}
