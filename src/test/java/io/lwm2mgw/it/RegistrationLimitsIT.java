package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The attacks of issue 16 on the registration interface, as they were made: megabytes of links through
 * Block1, a datagram larger than 2 KB, thousands of links, an Update from another address taking a plain
 * device over, and a flood of made-up endpoints from one socket. Small limits, so the flood is short; the
 * flood runs last, since every test device shares 127.0.0.1. The packaged jar, whose limits no other test
 * shares; the counts are read from its metrics, as an operator's Prometheus reads them.
 */
@QuarkusIntegrationTest
@TestProfile(RegistrationLimitsIT.Hardened.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistrationLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int CAP = 40;
    private static final int PER_ADDRESS = 120;

    public static class Hardened implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new PackagedAppResource().start());
            config.putAll(Map.of(
                    "gateway.lwm2m.limits.max-registrations", String.valueOf(CAP),
                    "gateway.lwm2m.limits.registrations-per-address", String.valueOf(PER_ADDRESS),
                    "gateway.lwm2m.limits.registration-window", "1h",
                    "gateway.lwm2m.limits.max-link-bytes", "4096",
                    "gateway.lwm2m.limits.max-links", "100",
                    "gateway.lwm2m.security.nosec-address-change", "refuse"));
            return config;
        }
    }

    @TestHTTPResource("/q/metrics")
    URL metrics;

    private final int port = PackagedAppResource.coapPort();
    private MqttProbe mqtt;
    private KafkaProbe kafka;
    private ContractTaps taps;

    @BeforeEach
    void probes() {
        taps = ContractTaps.open("lwm2m.events");
        mqtt = taps.mqtt();
        kafka = taps.kafka();
    }

    @AfterEach
    void everything_published_meets_the_contract() throws InterruptedException {
        taps.assertContractAndClose();
    }

    private double metric(String name) throws Exception {
        return PrometheusScrape.value(metrics, name);
    }

    private static String links(int count) {
        StringBuilder links = new StringBuilder("</1/0>,</3/0>");
        for (int i = 0; i < count - 2; i++) {
            links.append(",</3303/").append(i).append('>');
        }
        return links.toString();
    }

    @Test
    @Order(1)
    void two_megabytes_of_links_through_block1_are_refused_at_the_first_block_beyond_the_limit() {
        byte[] huge = links(200_000).getBytes(StandardCharsets.UTF_8);
        assertThat(huge.length).isGreaterThan(2_000_000);
        int[] sent = {0};
        try (DatagramCoap device = new DatagramCoap(port)) {
            Optional<Response> answer = device.registerInBlocks("ep=huge-1&lt=60&lwm2m=1.1", huge, 1024, sent);

            assertThat(answer).get().extracting(Response::getCode).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
            assertThat(answer.get().getOptions().getSize1()).isEqualTo(4096);
            assertThat(sent[0]).as("refused at the fifth 1 KiB block, not after 2 MB").isEqualTo(5);
        }
        assertThat(mqtt.on("lwm2m/huge-1/events/registered")).isEmpty();
    }

    @Test
    @Order(2)
    void a_registration_in_one_datagram_of_3_kb_registers_and_one_of_5_kb_gets_4_13_with_size1() {
        try (DatagramCoap device = new DatagramCoap(port)) {
            String threeKb = links(50) + ",</3303/0>;rt=\"" + "a".repeat(2200) + "\"";
            assertThat(threeKb.length()).isBetween(2500, 4096);
            String fiveKb = links(50) + ",</3303/0>;rt=\"" + "a".repeat(4500) + "\"";

            // datagrams over 2 KB used to be dropped in silence (Californium's UDP_DATAGRAM_SIZE)
            assertThat(device.registerInOneDatagram("ep=big-1&lt=60&lwm2m=1.1", threeKb)).get()
                    .extracting(Response::getCode).isEqualTo(ResponseCode.CREATED);
            assertThat(device.registerInOneDatagram("ep=big-2&lt=60&lwm2m=1.1", fiveKb)).get()
                    .satisfies(r -> assertThat(r.getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE))
                    .satisfies(r -> assertThat(r.getOptions().getSize1()).isEqualTo(4096));
        }
        await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/big-1/events/registered").isEmpty());
    }

    @Test
    @Order(3)
    void more_links_than_allowed_get_4_00_and_fewer_register() {
        try (RawCoapDevice device = new RawCoapDevice(port)) {
            Response many = device.register("ep=many-1&lt=60&lwm2m=1.1", links(101));
            assertThat(many.getCode()).isEqualTo(ResponseCode.BAD_REQUEST);
            assertThat(many.getPayloadString()).contains("101 links, more than the 100 allowed");

            Response fine = device.register("ep=many-1&lt=60&lwm2m=1.1", links(100));
            assertThat(fine.getCode()).isEqualTo(ResponseCode.CREATED);
            assertThat(device.deregister(RawCoapDevice.location(fine)).getCode()).isEqualTo(ResponseCode.DELETED);
        }
    }

    @Test
    @Order(4)
    void an_update_from_another_address_cannot_take_a_plain_device_over() {
        try (RawCoapDevice device = new RawCoapDevice(port); RawCoapDevice attacker = new RawCoapDevice(port)) {
            String location = RawCoapDevice.location(device.register("ep=victim-1&lt=120&lwm2m=1.1", "</3/0>"));
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/victim-1/status").isEmpty());
            assertThat(mqtt.last("lwm2m/victim-1/status").orElseThrow().json().has("registrationId"))
                    .as("the location is not published").isFalse();

            assertThat(attacker.update(location, "").getCode()).isEqualTo(ResponseCode.FORBIDDEN);
            assertThat(attacker.deregister(location).getCode()).isEqualTo(ResponseCode.FORBIDDEN);

            assertThat(device.update(location, "lt=300").getCode()).as("the device itself").isEqualTo(ResponseCode.CHANGED);
            await().atMost(WAIT).until(() -> !mqtt.on("lwm2m/victim-1/events/updated").isEmpty());
            assertThat(mqtt.last("lwm2m/victim-1/events/updated").orElseThrow().json().get("changes")
                    .has("previousAddress")).isFalse();
            assertThat(device.deregister(location).getCode()).isEqualTo(ResponseCode.DELETED);
        }
    }

    @Test
    @Order(5)
    void a_flood_of_made_up_endpoints_from_one_socket_stops_at_the_cap_then_at_the_address_limit() throws Exception {
        try (RawCoapDevice calm = new RawCoapDevice(port)) {
            String calmLocation = RawCoapDevice.location(calm.register("ep=calm-1&lt=120&lwm2m=1.1", "</3/0>"));
            double refusedBefore = metric("lwm2m_registrations_refused_total");
            double suppressedBefore = metric("lwm2m_refusals_logs_suppressed_total");
            Map<ResponseCode, Integer> answers = new EnumMap<>(ResponseCode.class);
            try (RawCoapDevice flood = new RawCoapDevice(port)) {
                for (int i = 0; i < 300; i++) {
                    Response r = flood.register("ep=garbage-" + i + "&lt=86400&lwm2m=1.1", "</3/0>");
                    answers.merge(r.getCode(), 1, Integer::sum);
                }
            }

            assertThat(metric("lwm2m_devices_registered")).as("never beyond the cap").isEqualTo(CAP);
            // big-1 (test 2) and calm-1 hold two of the places
            assertThat(answers).containsEntry(ResponseCode.CREATED, CAP - 2)
                    .containsKey(ResponseCode.SERVICE_UNAVAILABLE).containsKey(ResponseCode.TOO_MANY_REQUESTS);
            // the socket's Registers beyond the address limit (calm-1 and the earlier tests' came first)
            assertThat(answers.get(ResponseCode.TOO_MANY_REQUESTS)).isGreaterThan(300 - PER_ADDRESS);
            assertThat(metric("lwm2m_registrations_refused_total") - refusedBefore).isEqualTo(300 - (CAP - 2));
            assertThat(metric("lwm2m_refusals_logs_suppressed_total") - suppressedBefore)
                    .as("one WARN line for the socket").isEqualTo(300 - (CAP - 2) - 1);
            assertThat(calm.update(calmLocation, "").getCode()).as("a known device is still served")
                    .isEqualTo(ResponseCode.CHANGED);
        }
    }
}
