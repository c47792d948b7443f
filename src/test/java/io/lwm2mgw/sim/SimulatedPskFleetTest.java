package io.lwm2mgw.sim;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.it.BrokersResource;
import io.lwm2mgw.it.MqttProbe;
import io.lwm2mgw.it.SecurityProfile;
import io.lwm2mgw.it.TestBrokers;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The simulator's DTLS-PSK mode against the gateway's CoAPS endpoint: with their keys in the gateway's
 * credentials file (written by the simulator's own {@code --write-credentials} code), simulated devices
 * handshake, register, notify and answer a command over DTLS; a device with a key the gateway does not hold
 * never gets registered.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class SimulatedPskFleetTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] KEY = HexFormat.of().parseHex("5e5e5e5e0102030405060708090a0b0c");

    @Inject
    Lwm2mEndpoint lwm2m;

    @Test
    void psk_devices_register_notify_and_answer_over_dtls() throws Exception {
        int coaps = lwm2m.secureBoundPort().orElseThrow();
        String prefix = "simpsk-" + UUID.randomUUID().toString().substring(0, 6) + "-";
        FleetConfig config = new FleetConfig().devices(4).prefix(prefix).threads(1).psk(KEY)
                .server("127.0.0.1", coaps).timestampValues(true).objects(1, 3, 3303);
        String base = SecurityProfile.credentials("1111111111", coaps);
        SecurityProfile.write(base.replaceFirst("\\{\"devices\": \\[",
                "{\"devices\": [" + SimulatorMain.credentialEntries(config).replace("$", "\\$") + ","));
        // load the file now, not at the watcher's next poll: a device whose handshake came first was refused and
        // tried again only with its Register's retransmissions (2 s, then 4 s later), 6 s of this test's 10
        lwm2m.reloadCredentials();

        try (MqttProbe mqtt = new MqttProbe(TestBrokers.mqttPort());
             Fleet fleet = Fleet.start(config);
             FleetSmokeTest.CommandClient app = new FleetSmokeTest.CommandClient()) {
            await().atMost(WAIT).until(() -> fleet.stats().registered.sum() == 4);
            for (String ep : fleet.endpoints()) {
                await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status")
                        .map(m -> m.json().get("state").asText()).orElse("").equals("registered"));
            }
            // the test profile auto-observes /3303: the observe requests went to the devices over DTLS
            await().atMost(WAIT).until(() -> fleet.stats().observationsActive.sum() >= 4);
            fleet.setNotifyRate(40);
            await().atMost(WAIT).until(() -> fleet.stats().notificationsSent.sum() >= 20);
            fleet.setNotifyRate(0);
            long sent = fleet.stats().notificationsSent.sum();
            await().atMost(WAIT).until(() -> mqtt.matching(m -> m.topic().startsWith("lwm2m/" + prefix)
                    && m.topic().endsWith("/data/3303")
                    && m.json().path("values").path("/3303/0/5700").asDouble() > 1e12).size() == sent);

            String ep = fleet.endpoints().get(2);
            JsonNode read = app.command(ep, "read", "\"path\":\"/3/0\"");
            assertThat(read.get("status").asText()).isEqualTo("success");
            assertThat(read.get("values").get("/3/0/2").asText()).isEqualTo(ep);
            assertThat(fleet.deregisterAll(WAIT)).isTrue();
            assertThat(fleet.stats().registrationsFailed.sum()).isZero();
        }

        FleetConfig stranger = new FleetConfig().devices(1).prefix(prefix + "x-").threads(1)
                .psk(HexFormat.of().parseHex("00112233")).server("127.0.0.1", coaps).objects(1, 3);
        try (Fleet wrongKey = Fleet.start(stranger)) {
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> wrongKey.stats().registered.sum() == 0);
        }
    }
}
