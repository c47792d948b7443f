package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A device whose address changes while it only notifies (a NAT rebinding, or the UDP balancer's new session once
 * the device's replica died) is served at its new address before it sends an Update: its notifications are
 * published and a read reaches it. Without following the notification the plain device's notifications were
 * dropped as coming from the wrong address, and every request to either went to the old one.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class AddressChangeFlowTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @io.quarkus.test.common.http.TestHTTPResource("/")
    URI http;

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.events"};
    }

    @BeforeEach
    void freshCredentials() {
        SecurityProfile.write(SecurityProfile.credentials("1111111111", lwm2m.secureBoundPort().orElseThrow()));
        lwm2m.reloadCredentials();
    }

    @Test
    void a_plain_device_that_only_notifies_from_a_new_port_is_published_and_reached_there() {
        try (UdpProxy nat = new UdpProxy(port);
                TestDevice device = givenDevice("moving-plain").withTemperature().withLifetime(Duration.ofMinutes(10))
                        .registeredAt(nat.port())) {
            servedAtItsNewPortWithoutAnUpdate(nat, device);
        }
    }

    @Test
    void a_psk_device_that_only_notifies_from_a_new_port_is_reached_there_on_its_session() {
        byte[] key = HexFormat.of().parseHex("0b0b0b0b0b0b");
        try (UdpProxy nat = new UdpProxy(lwm2m.secureBoundPort().orElseThrow());
                TestDevice device = givenDevice("nat-dev").withPsk("nat-dev-id", key).withTemperature()
                        .withLifetime(Duration.ofMinutes(10)).registeredAt(nat.port())) {
            int handshakes = nat.handshakeRecordsFromDevice();
            servedAtItsNewPortWithoutAnUpdate(nat, device);
            assertThat(nat.handshakeRecordsFromDevice()).as("the Connection ID carried the session").isEqualTo(handshakes);
        }
    }

    private void servedAtItsNewPortWithoutAnUpdate(UdpProxy nat, TestDevice device) {
        String data = "lwm2m/" + device.endpoint() + "/data/3303";
        await().atMost(WAIT).until(() -> !mqtt.on(data).isEmpty());
        int updates = device.updates();
        nat.changeSourcePort();

        device.setTemperature(31.75);
        await().atMost(WAIT).until(() -> mqtt.on(data).stream()
                .anyMatch(m -> m.json().path("values").path("/3303/0/5700").asDouble() == 31.75));
        ApiClient.Answer read = new ApiClient(http, Optional.empty()).post("/api/v1/devices/" + device.endpoint()
                + "/commands/read", "{\"path\":\"/3303/0/5700\",\"timeout\":5}");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().path("status").asText()).as(read.body()).isEqualTo("success");
        assertThat(device.updates()).as("no Update told the gateway the new port").isEqualTo(updates);
        assertThat(device.registrations()).isOne();
    }
}
