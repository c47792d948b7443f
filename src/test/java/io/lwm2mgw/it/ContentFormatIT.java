package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every content format Leshan offers for values decodes into the same typed JSON: one auto-observe rule per
 * format, each on a path that format can carry (text and opaque hold one resource only; link format is
 * exercised by every registration). The packaged jar: rules that observe on every registration would
 * disturb the flow tests' shared application.
 */
@QuarkusIntegrationTest
@TestProfile(ContentFormatIT.OneRulePerFormat.class)
class ContentFormatIT {

    /** The embedded broker on a free port; one observe rule per content format. */
    public static class OneRulePerFormat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(PackagedAppResource.isolated());
            config.put("gateway.mqtt.embedded.port", String.valueOf(port()));
            String[][] rules = {
                {"/3/0/0", "text"}, {"/32769/0/3", "opaque"}, {"/3/0", "tlv"}, {"/3303/0", "json"},
                {"/3303/0/5700", "senml-json"}, {"/3/0/9", "senml-cbor"}, {"/3/0/13", "cbor"}};
            for (int i = 0; i < rules.length; i++) {
                config.put("gateway.observe.rules[" + i + "].path", rules[i][0]);
                config.put("gateway.observe.rules[" + i + "].format", rules[i][1]);
            }
            return config;
        }
    }

    static int port() {
        return TestBrokers.sharedFreePort("test.formats.mqtt-port");
    }

    @Test
    void values_arrive_typed_whatever_content_format_carried_them() {
        try (MqttProbe mqtt = MqttProbe.once(port());
                TestDevice device = givenDevice("formats-1").withTemperature().withUnknownObject()
                        .registeredAt(PackagedAppResource.coapPort())) {
            Map<String, JsonNode> values = new HashMap<>();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                mqtt.matching(m -> m.topic().startsWith("lwm2m/formats-1/data/"))
                        .forEach(m -> m.json().get("values").fields()
                                .forEachRemaining(e -> values.put(e.getKey(), e.getValue())));
                return values.keySet().containsAll(java.util.List.of("/3/0/0", "/32769/0/3", "/3/0/1",
                        "/3303/0/5701", "/3303/0/5700", "/3/0/9", "/3/0/13"));
            });
            assertThat(values.get("/3/0/0").asText()).as("text").isEqualTo("Open Mobile Alliance");
            assertThat(values.get("/32769/0/3").asText()).as("opaque, base64").isEqualTo("AQID");
            assertThat(values.get("/3/0/1").asText()).as("TLV, typed by the model")
                    .isEqualTo("Lightweight M2M Client");
            assertThat(values.get("/3/0/11/0").isIntegralNumber()).as("TLV multiple resource").isTrue();
            assertThat(values.get("/3303/0/5701").asText()).as("OMA JSON").isEqualTo("Cel");
            assertThat(values.get("/3303/0/5700").asDouble()).as("SenML JSON").isEqualTo(20.5);
            assertThat(values.get("/3/0/9").isIntegralNumber()).as("SenML CBOR, integer").isTrue();
            assertThat(values.get("/3/0/9").asLong()).isEqualTo(100);
            assertThat(values.get("/3/0/13").asLong()).as("CBOR, time as epoch seconds").isEqualTo(1_700_000_000L);
            Contract.assertEveryMqttMessage(mqtt.all());
        }
    }
}
