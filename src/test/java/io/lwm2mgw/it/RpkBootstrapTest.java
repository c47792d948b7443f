package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bootstrap that hands out raw public keys and Access Control: a device that knows only the bootstrap server
 * (reached with its key pair) is told, with {@code "security": "rpk"} and {@code "acl": true}, to register at
 * the CoAPS endpoint with its key pair and the gateway's public key, gets Access Control instances for its
 * server, and registers with exactly those credentials.
 */
@QuarkusTest
@TestProfile(SecurityProfile.class)
@QuarkusTestResource(value = BrokersResource.class, restrictToAnnotatedClass = true)
class RpkBootstrapTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.events"};
    }

    @AfterEach
    void restoreCredentials() {
        SecurityProfile.write(SecurityProfile.credentials("1111111111", lwm2m.secureBoundPort().orElseThrow()));
        lwm2m.reloadCredentials();
    }

    @Test
    void a_device_bootstrapped_for_rpk_with_access_control_registers_with_its_key_pair() throws Exception {
        int coapsPort = lwm2m.secureBoundPort().orElseThrow();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        String base = SecurityProfile.credentials("1111111111", coapsPort);
        String device = "{\"endpoint\": \"boot-rpk\", \"rpk\": {\"publicKey\": \""
                + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()) + "\", \"privateKey\": \""
                + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\"}},";
        String bootstrap = "{\"endpoint\": \"boot-rpk\", \"servers\": [{\"uri\": \"coaps://127.0.0.1:" + coapsPort
                + "\", \"shortServerId\": 9, \"lifetime\": 90, \"binding\": \"U\", \"security\": \"rpk\"}],"
                + " \"acl\": true},";
        SecurityProfile.write(base.replace("{\"devices\": [", "{\"devices\": [" + device)
                .replace("\"bootstrap\": [", "\"bootstrap\": [" + bootstrap));
        lwm2m.reloadCredentials();

        try (TestDevice client = givenDevice("boot-rpk").withAccessControl()
                .bootstrappingWithRpk(pair.getPublic().getEncoded(), pair.getPrivate().getEncoded(),
                        SecurityProfile.der("server-pub.pem"))
                .startedAt(coapsPort)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/boot-rpk/events/bootstrap").isEmpty());
            JsonNode outcome = mqtt.last("lwm2m/boot-rpk/events/bootstrap").orElseThrow().json();
            assertThat(outcome.get("outcome").asText()).as(outcome.toString()).isEqualTo("finished");

            await().atMost(WAIT).until(client::registered);
            await().atMost(WAIT).until(() -> mqtt.last("lwm2m/boot-rpk/status").isPresent());
            JsonNode status = mqtt.last("lwm2m/boot-rpk/status").orElseThrow().json();
            assertThat(status.get("state").asText()).isEqualTo("registered");
            assertThat(status.get("lifetime").asLong()).as("the lifetime written at bootstrap").isEqualTo(90);
            // the Access Control instances written at bootstrap are announced with the registration
            assertThat(status.get("objects").toString()).contains("/2/0", "/2/1");
        }
    }
}
