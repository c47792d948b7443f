package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With NoSec switched off the packaged gateway serves only CoAPS, and is live on it alone. */
@QuarkusIntegrationTest
@TestProfile(CoapsOnlyIT.CoapsOnly.class)
class CoapsOnlyIT {

    /** The brokers, the security fixtures, and no plain CoAP. */
    public static class CoapsOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new PackagedAppResource().start());
            config.putAll(SecurityProfile.config());
            config.put("gateway.lwm2m.security.nosec-enabled", "false");
            return config;
        }
    }

    @TestHTTPResource("/q/health/live")
    URI live;

    @Test
    void only_coaps_is_served_and_the_gateway_is_live() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(live).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("coaps-port");
        assertThatCode(() -> new DatagramSocket(PackagedAppResource.coapPort(), InetAddress.getLoopbackAddress())
                .close()).as("the plain CoAP port is left free").doesNotThrowAnyException();

        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort());
                TestDevice device = givenDevice("psk-dev").withPsk("psk-dev-id",
                        HexFormat.of().parseHex("0102030405060708"))
                        .registeredAt(PackagedAppResource.coapsPort())) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !mqtt.on("lwm2m/psk-dev/events/registered").isEmpty());
        }
    }
}
