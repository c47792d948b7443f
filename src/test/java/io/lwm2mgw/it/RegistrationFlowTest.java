package io.lwm2mgw.it;

import org.junit.jupiter.api.Tag;
import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoRecordInLogs.class)
@Tag("app") // one app shared by the classes in one test JVM: pom.xml, execution app-tests
@QuarkusTest
@WithTestResource(BrokersResource.class)
class RegistrationFlowTest extends BrokerFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Override
    protected String[] kafkaTopics() {
        return new String[] {"lwm2m.events", "lwm2m.status"};
    }

    @Test
    void lwm2m_1_1_client_registration_is_published_as_retained_status_and_registered_event() {
        try (TestDevice device = givenDevice("reg-1").withTemperature().registeredAt(port)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/reg-1/events/registered").isEmpty()
                    && !mqtt.on("lwm2m/reg-1/status").isEmpty());

            MqttProbe.Received status = mqtt.last("lwm2m/reg-1/status").orElseThrow();
            assertThat(status.retain()).as("status is retained").isTrue();
            Contract.assertMqttMessage(status, "reg-1", "lwm2m.status");
            Contract.assertStatusFields(status.json());
            JsonNode doc = status.json();
            assertThat(doc.get("state").asText()).isEqualTo("registered");
            assertThat(doc.get("lwm2mVersion").asText()).isEqualTo("1.1");
            assertThat(doc.get("binding").asText()).isEqualTo("U");
            assertThat(doc.get("lifetime").asLong()).isEqualTo(300);
            assertThat(doc.get("queueMode").asBoolean()).isFalse();
            assertThat(doc.get("address").asText()).startsWith("127.0.0.1:");
            assertThat(doc.get("objects")).extracting(JsonNode::asText).contains("/1/0", "/3/0", "/3303/0");

            MqttProbe.Received event = mqtt.last("lwm2m/reg-1/events/registered").orElseThrow();
            assertThat(event.retain()).as("events are not retained").isFalse();
            Contract.assertMqttMessage(event, "reg-1", "lwm2m.registered");
            assertThat(event.json().get("event").asText()).isEqualTo("registered");
            assertThat(event.json().has("registrationId")).as("never published").isFalse();

            await().atMost(WAIT).until(() -> !kafka.on("lwm2m.events", "reg-1").isEmpty()
                    && !kafka.on("lwm2m.status", "reg-1").isEmpty());
            KafkaProbe.Record record = kafka.on("lwm2m.events", "reg-1").get(0);
            Contract.assertKafkaRecord(record, "reg-1", "lwm2m.registered");
            assertThat(record.json().get("event").asText()).isEqualTo("registered");
            Contract.assertKafkaRecord(kafka.on("lwm2m.status", "reg-1").get(0), "reg-1", "lwm2m.status");
        }
    }

    @Test
    void lwm2m_1_0_registration_with_every_parameter_update_and_deregistration() {
        try (RawCoapDevice device = new RawCoapDevice(port)) {
            Response created = device.register("ep=raw-10&lt=120&lwm2m=1.0&b=UQ&sms=%2B4915112345",
                    "</lwm2m>;rt=\"oma.lwm2m\",</lwm2m/1/0>,</lwm2m/3/0>,</lwm2m/3303/0>,</lwm2m/3303/1>");
            assertThat(created.getCode()).isEqualTo(ResponseCode.CREATED);
            String location = RawCoapDevice.location(created);

            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/raw-10/status").isEmpty());
            JsonNode status = mqtt.last("lwm2m/raw-10/status").orElseThrow().json();
            assertThat(status.get("lwm2mVersion").asText()).isEqualTo("1.0");
            assertThat(status.get("binding").asText()).isEqualTo("UQ");
            assertThat(status.get("queueMode").asBoolean()).isTrue();
            assertThat(status.get("lifetime").asLong()).isEqualTo(120);
            assertThat(status.get("smsNumber").asText()).isEqualTo("+4915112345");
            assertThat(status.get("alternatePath").asText()).isEqualTo("/lwm2m");
            assertThat(status.get("objects")).extracting(JsonNode::asText)
                    .containsExactly("/1/0", "/3/0", "/3303/0", "/3303/1");

            assertThat(device.update(location, "lt=600").getCode()).isEqualTo(ResponseCode.CHANGED);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/raw-10/events/updated").isEmpty());
            MqttProbe.Received updated = mqtt.last("lwm2m/raw-10/events/updated").orElseThrow();
            Contract.assertMqttMessage(updated, "raw-10", "lwm2m.updated");
            assertThat(updated.json().get("changes").get("lifetime").asLong()).isEqualTo(600);
            assertThat(updated.json().get("lifetime").asLong()).isEqualTo(600);

            assertThat(device.deregister(location).getCode()).isEqualTo(ResponseCode.DELETED);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/raw-10/events/deregistered").isEmpty());
            Contract.assertMqttMessage(mqtt.last("lwm2m/raw-10/events/deregistered").orElseThrow(), "raw-10",
                    "lwm2m.deregistered");
            await().atMost(WAIT).untilAsserted(() -> {
                MqttProbe.Received last = mqtt.last("lwm2m/raw-10/status").orElseThrow();
                assertThat(last.json().get("state").asText()).isEqualTo("deregistered");
                assertThat(last.retain()).isTrue();
            });
            // a UQ device is in queue mode: its awake/sleeping presence events interleave
            await().atMost(WAIT).until(() -> kafka.on("lwm2m.events", "raw-10").stream()
                    .anyMatch(r -> r.json().get("event").asText().equals("deregistered")));
            assertThat(kafka.on("lwm2m.events", "raw-10")).extracting(r -> r.json().get("event").asText())
                    .filteredOn(e -> !e.equals("awake") && !e.equals("sleeping"))
                    .containsExactly("registered", "updated", "deregistered");
        }
    }

    @Test
    void a_plain_device_that_moves_is_followed_and_its_old_and_new_address_published() {
        try (RawCoapDevice before = new RawCoapDevice(port); RawCoapDevice after = new RawCoapDevice(port)) {
            String location = RawCoapDevice.location(before.register("ep=nat-1&lt=120&lwm2m=1.1&b=U", "</3/0>"));
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/nat-1/status").isEmpty());
            String oldAddress = mqtt.last("lwm2m/nat-1/status").orElseThrow().json().get("address").asText();

            // the NAT gave the device a new port: accepted by default (nosec-address-change=accept)
            assertThat(after.update(location, "").getCode()).isEqualTo(ResponseCode.CHANGED);

            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/nat-1/events/updated").isEmpty());
            JsonNode changes = mqtt.last("lwm2m/nat-1/events/updated").orElseThrow().json().get("changes");
            assertThat(changes.get("previousAddress").asText()).isEqualTo(oldAddress);
            assertThat(changes.get("address").asText()).isNotEqualTo(oldAddress).startsWith("127.0.0.1:");
        }
    }

    @Test
    void a_registration_with_a_short_lifetime_expires_when_the_device_goes_silent() {
        TestDevice device = givenDevice("short-1").withLifetime(Duration.ofSeconds(2)).registeredAt(port);
        device.vanish();
        await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/short-1/events/expired").isEmpty());
        Contract.assertMqttMessage(mqtt.last("lwm2m/short-1/events/expired").orElseThrow(), "short-1",
                "lwm2m.expired");
        assertThat(mqtt.last("lwm2m/short-1/status").orElseThrow().json().get("state").asText())
                .isEqualTo("expired");
        await().atMost(WAIT).until(() -> kafka.on("lwm2m.events", "short-1").stream()
                .anyMatch(r -> r.json().get("event").asText().equals("expired")));
    }

    @Test
    void a_version_the_gateway_does_not_speak_gets_4_12_so_the_client_can_fall_back() {
        try (RawCoapDevice device = new RawCoapDevice(port)) {
            Response refused = device.register("ep=future-1&lt=60&lwm2m=1.2", "</1/0>,</3/0>");
            assertThat(refused.getCode()).isEqualTo(ResponseCode.PRECONDITION_FAILED);
            Response accepted = device.register("ep=future-1&lt=60&lwm2m=1.1", "</1/0>,</3/0>");
            assertThat(accepted.getCode()).isEqualTo(ResponseCode.CREATED);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/future-1/events/registered").isEmpty());
            device.deregister(RawCoapDevice.location(accepted));
        }
    }

    @Test
    void a_registration_without_version_counts_as_1_0_and_a_quoted_version_is_understood() {
        try (RawCoapDevice device = new RawCoapDevice(port)) {
            Response noVersion = device.register("ep=nover-1&lt=60", "</1/0>,</3/0>");
            assertThat(noVersion.getCode()).isEqualTo(ResponseCode.CREATED);
            Response quoted = device.register("ep=quotedver-1&lt=60&lwm2m=%221.1%22", "</1/0>,</3/0>");
            assertThat(quoted.getCode()).isEqualTo(ResponseCode.CREATED);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/nover-1/status").isEmpty()
                    && !mqtt.on("lwm2m/quotedver-1/status").isEmpty());
            assertThat(mqtt.last("lwm2m/nover-1/status").orElseThrow().json().get("lwm2mVersion").asText())
                    .isEqualTo("1.0");
            assertThat(mqtt.last("lwm2m/quotedver-1/status").orElseThrow().json().get("lwm2mVersion").asText())
                    .isEqualTo("1.1");
            device.deregister(RawCoapDevice.location(noVersion));
            device.deregister(RawCoapDevice.location(quoted));
        }
    }

    @Test
    void a_quoted_ver_link_attribute_is_accepted() {
        try (RawCoapDevice device = new RawCoapDevice(port)) {
            Response created = device.register("ep=quoted-1&lt=60&lwm2m=1.1",
                    "</>;rt=\"oma.lwm2m\";ct=\"60 110 112 11542 11543\",</1>;ver=\"1.1\",</1/0>,</3>;ver=\"1.1\",</3/0>");
            assertThat(created.getCode()).isEqualTo(ResponseCode.CREATED);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/quoted-1/status").isEmpty());
            assertThat(mqtt.last("lwm2m/quoted-1/status").orElseThrow().json().get("objects"))
                    .extracting(JsonNode::asText).contains("/1/0", "/3/0");
            device.deregister(RawCoapDevice.location(created));
        }
    }

    @Test
    void a_malformed_registration_gets_4_00_and_the_gateway_keeps_serving() {
        try (RawCoapDevice device = new RawCoapDevice(port)) {
            assertThat(device.register("lt=60", "</1/0>").getCode()).as("no endpoint name")
                    .isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(device.register("ep=bad-1&lt=abc", "</1/0>").getCode()).as("lifetime not a number")
                    .isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(device.register("ep=bad-2&lt=60", "<<<not link format").getCode()).as("broken links")
                    .isEqualTo(ResponseCode.BAD_REQUEST);
        }
        try (TestDevice healthy = givenDevice("after-bad-1").registeredAt(port)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/after-bad-1/events/registered").isEmpty());
        }
    }

    @Test
    void an_endpoint_name_with_a_slash_is_percent_encoded_in_topics_and_raw_in_kafka_keys() {
        try (TestDevice device = givenDevice("urn:imei:1/2").registeredAt(port)) {
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/urn:imei:1%2F2/events/registered").isEmpty());
            MqttProbe.Received event = mqtt.last("lwm2m/urn:imei:1%2F2/events/registered").orElseThrow();
            Contract.assertMqttMessage(event, "urn:imei:1/2", "lwm2m.registered");
            await().atMost(WAIT).until(() -> !kafka.on("lwm2m.events", "urn:imei:1/2").isEmpty());
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> mqtt.matching(m -> m.topic().contains("urn:imei:1/2")).isEmpty());
        }
    }

    @Test
    void devices_registering_at_once_all_reach_both_brokers() {
        List<TestDevice> devices = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                devices.add(givenDevice("many-" + i).startedAt(port));
            }
            await().atMost(WAIT).until(() -> mqtt.matching(m -> m.topic().matches("lwm2m/many-\\d+/events/registered"))
                    .size() == 20);
            await().atMost(WAIT).until(() -> java.util.stream.IntStream.range(0, 20)
                    .allMatch(i -> !kafka.on("lwm2m.events", "many-" + i).isEmpty()));
        } finally {
            devices.forEach(TestDevice::close);
        }
    }
}
