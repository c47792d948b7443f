package io.lwm2mgw.sim;

import org.junit.jupiter.api.Tag;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.lwm2mgw.it.BrokersResource;
import io.lwm2mgw.it.MqttProbe;
import io.lwm2mgw.it.TestBrokers;
import io.lwm2mgw.sim.FleetSmokeTest.CommandClient;
import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Create and Delete on a simulated device, sent as the gateway's {@code create}/{@code delete} commands over
 * MQTT and carried to the device over real UDP: the README's examples as written, instances that behave like
 * instance 0, the Update that tells the server, and the refusals a real device gives.
 */
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class SimulatedInstancesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Lwm2mEndpoint lwm2m;

    private MqttProbe mqtt;
    private Fleet fleet;
    private CommandClient app;
    private String ep;

    @BeforeEach
    void start() {
        mqtt = new MqttProbe(TestBrokers.mqttPort());
        fleet = Fleet.start(new FleetConfig().devices(1).threads(1)
                .prefix("inst-" + UUID.randomUUID().toString().substring(0, 6) + "-")
                .server("127.0.0.1", lwm2m.boundPort().orElseThrow()).objects(1, 3, 5, 3303, 3311));
        ep = fleet.endpoints().get(0);
        await().atMost(WAIT).until(() -> mqtt.last("lwm2m/" + ep + "/status").isPresent());
        app = new CommandClient();
    }

    @AfterEach
    void stop() throws InterruptedException {
        app.close();
        fleet.close();
        mqtt.close();
    }

    private String objects() {
        return mqtt.last("lwm2m/" + ep + "/status").map(m -> m.json().get("objects").toString()).orElse("");
    }

    @Test
    void the_readme_examples_create_and_delete_instances_that_behave_like_instance_0() {
        JsonNode picked = app.command(ep, "create", "\"path\":\"/3311\",\"values\":{\"5850\":true}");
        assertThat(picked.get("status").asText()).as(picked.toString()).isEqualTo("success");
        assertThat(picked.get("code").asText()).isEqualTo("2.01");
        assertThat(picked.get("location").asText()).isEqualTo("/3311/1");
        JsonNode chosen = app.command(ep, "create", "\"path\":\"/3311/7\",\"values\":{\"/3311/7/5850\":false}");
        assertThat(chosen.get("location").asText()).as(chosen.toString()).isEqualTo("/3311/7");
        await().atMost(WAIT).until(() -> objects().contains("/3311/7") && objects().contains("/3311/1"));
        assertThat(objects()).contains("/3311/0", "/3303/0");

        JsonNode read = app.command(ep, "read", "\"path\":\"/3311/7\"");
        assertThat(read.get("values").get("/3311/7/5850").asBoolean()).isFalse();
        assertThat(read.get("values").get("/3311/7/5851").asLong()).as("the model's default").isEqualTo(50);
        assertThat(app.command(ep, "read", "\"path\":\"/3311\",\"format\":\"tlv\"").get("values").toString())
                .contains("\"/3311/0/5850\":true", "\"/3311/1/5850\":true", "\"/3311/7/5850\":false");
        JsonNode discover = app.command(ep, "discover", "\"path\":\"/3311\"");
        assertThat(discover.get("links").toString()).contains("/3311/7/5851", "/3311/1/5850");

        assertThat(app.command(ep, "observe", "\"path\":\"/3311/7/5851\"").get("status").asText())
                .isEqualTo("success");
        assertThat(app.command(ep, "write", "\"path\":\"/3311/7/5851\",\"value\":33").get("code").asText())
                .isEqualTo("2.04");
        await().atMost(WAIT).until(() -> mqtt.on("lwm2m/" + ep + "/data/3311/7/5851").stream()
                .anyMatch(m -> m.json().path("values").path("/3311/7/5851").asLong() == 33));

        JsonNode deleted = app.command(ep, "delete", "\"path\":\"/3311/7\"");
        assertThat(deleted.get("code").asText()).as(deleted.toString()).isEqualTo("2.02");
        await().atMost(WAIT).until(() -> !objects().contains("/3311/7"));
        assertThat(objects()).contains("/3311/1");
        JsonNode gone = app.command(ep, "read", "\"path\":\"/3311/7\"");
        assertThat(gone.get("status").asText()).isEqualTo("device-error");
        assertThat(gone.get("code").asText()).isEqualTo("4.04");
        assertThat(app.command(ep, "delete", "\"path\":\"/3311/7\"").get("code").asText()).isEqualTo("4.04");
    }

    @Test
    void a_create_in_senml_json_names_its_instance_and_a_taken_id_or_a_resource_the_device_lacks_is_refused() {
        JsonNode senml = app.command(ep, "create", "\"path\":\"/3303/4\",\"format\":\"senml-json\","
                + "\"values\":{\"/3303/4/5700\":-3.5,\"/3303/4/5701\":\"K\"}");
        assertThat(senml.get("location").asText()).as(senml.toString()).isEqualTo("/3303/4");
        JsonNode read = app.command(ep, "read", "\"path\":\"/3303/4\",\"format\":\"senml-json\"");
        assertThat(read.get("values").get("/3303/4/5700").asDouble()).isEqualTo(-3.5);
        assertThat(read.get("values").get("/3303/4/5701").asText()).isEqualTo("K");

        JsonNode taken = app.command(ep, "create", "\"path\":\"/3303/4\",\"values\":{\"/3303/4/5700\":1}");
        assertThat(taken.get("status").asText()).as(taken.toString()).isEqualTo("device-error");
        assertThat(taken.get("code").asText()).isEqualTo("4.00");
        // On Time (5852) is in the gateway's model of 3311 but not in the simulator's: a bad payload for it
        JsonNode unknown = app.command(ep, "create", "\"path\":\"/3311\",\"values\":{\"5850\":true,\"5852\":3}");
        assertThat(unknown.get("status").asText()).as(unknown.toString()).isEqualTo("device-error");
        assertThat(unknown.get("code").asText()).isEqualTo("4.00");
        assertThat(app.command(ep, "read", "\"path\":\"/3311/1\"").get("code").asText())
                .as("nothing was created").isEqualTo("4.04");
    }

    @Test
    void single_instance_objects_refuse_create_and_delete_as_a_real_device_does() {
        JsonNode create = app.command(ep, "create", "\"path\":\"/3\",\"values\":{\"14\":\"+02:00\"}");
        assertThat(create.get("status").asText()).as(create.toString()).isEqualTo("device-error");
        assertThat(create.get("code").asText()).isEqualTo("4.05");
        JsonNode delete = app.command(ep, "delete", "\"path\":\"/3/0\"");
        assertThat(delete.get("code").asText()).as(delete.toString()).isEqualTo("4.05");
        assertThat(app.command(ep, "read", "\"path\":\"/3/0/2\"").get("values").get("/3/0/2").asText())
                .isEqualTo(ep);
        assertThat(objects()).contains("/3/0").doesNotContain("/3/1");
    }
}
