package io.lwm2mgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.config.GatewayConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration as SmallRye binds it from properties, without Quarkus: defaults and validation. */
class ConfigValidationTest {

    private static GatewayConfig bind(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                // Quarkus' own converter: durations written as 5s, 200ms
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }

    @Test
    void the_documented_defaults_are_valid() {
        GatewayConfig config = bind(Map.of("gateway.id", "gw-1"));

        assertThat(ConfigValidation.problems(config)).isEmpty();
        assertThat(config.lwm2m().port()).isEqualTo(5683);
        assertThat(config.lwm2m().coap().udpReceiveBuffer()).isEqualTo(4 * 1024 * 1024);
        assertThat(config.lwm2m().coap().udpSendBuffer()).isEqualTo(4 * 1024 * 1024);
        assertThat(config.mqtt().host()).as("no broker: the embedded one starts").isEmpty();
        assertThat(config.mqtt().embedded().port()).isEqualTo(1883);
        assertThat(config.mqtt().qos()).isEqualTo(1);
        assertThat(config.mqtt().retainData()).isFalse();
        assertThat(config.kafka().eventsTopic()).isEqualTo("lwm2m.events");
        assertThat(config.buffer().capacity()).isEqualTo(100_000);
        assertThat(config.lwm2m().coap().ackTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void security_defaults_serve_coap_and_coaps_with_connection_id_and_bootstrap_off() {
        GatewayConfig config = bind(Map.of("gateway.id", "gw-1"));

        var security = config.lwm2m().security();
        assertThat(security.nosecEnabled()).isTrue();
        assertThat(security.coapsEnabled()).isTrue();
        assertThat(security.coapsPort()).isEqualTo(5684);
        assertThat(security.credentialsFile()).isEmpty();
        assertThat(security.dtls().connectionIdLength()).isEqualTo(6);
        assertThat(security.dtls().maxConnections()).isEqualTo(150_000);
        assertThat(security.bootstrap().enabled()).isFalse();
    }

    @Test
    void bad_security_settings_name_their_keys() {
        GatewayConfig config = bind(Map.of(
                "gateway.id", "gw-1",
                "gateway.lwm2m.security.nosec-enabled", "false",
                "gateway.lwm2m.security.coaps-enabled", "false",
                "gateway.lwm2m.security.dtls.connection-id-length", "40",
                "gateway.lwm2m.security.credentials-file", "/nonexistent/credentials.json",
                "gateway.lwm2m.security.server-public-key", "/nonexistent/pub.pem",
                "gateway.lwm2m.security.nosec-address-change", "maybe"));

        assertThat(ConfigValidation.problems(config)).containsExactlyInAnyOrder(
                "gateway.lwm2m.security.nosec-address-change: 'maybe' is neither accept nor refuse",
                "gateway.lwm2m.security.nosec-enabled: and coaps-enabled are both false, so no device could connect",
                "gateway.lwm2m.security.dtls.connection-id-length: 40 is outside 0..16",
                "gateway.lwm2m.security.server-private-key: must be set with server-public-key or"
                        + " server-certificate-chain",
                "gateway.lwm2m.security.credentials-file: /nonexistent/credentials.json is not a readable file",
                "gateway.lwm2m.security.server-public-key: /nonexistent/pub.pem is not a readable file");
    }

    @Test
    void the_state_backend_is_embedded_unless_told_and_nothing_else_is_accepted() {
        GatewayConfig defaults = bind(Map.of("gateway.id", "gw-1"));
        assertThat(defaults.state().backend()).isEqualTo("embedded");
        assertThat(defaults.state().directory()).as("then inside gateway.lwm2m.state-directory").isEmpty();
        assertThat(defaults.state().redis().registrationGrace()).isEqualTo(Duration.ofMinutes(5));

        GatewayConfig bad = bind(Map.of("gateway.id", "gw-1", "gateway.state.backend", "memcached",
                "gateway.state.redis.registration-grace", "-1s", "gateway.state.redis.key-prefix", " "));

        assertThat(ConfigValidation.problems(bad)).containsExactlyInAnyOrder(
                "gateway.state.backend: 'memcached' is neither embedded nor redis",
                "gateway.state.redis.key-prefix: must not be empty",
                "gateway.state.redis.registration-grace: PT-1S must not be negative");
    }

    @Test
    void every_bad_value_is_reported_at_once_naming_its_key() {
        GatewayConfig config = bind(Map.of(
                "gateway.id", "gw-1",
                "gateway.lwm2m.port", "70000",
                "gateway.mqtt.qos", "3",
                "gateway.mqtt.topic-root", "lwm2m/#",
                "gateway.buffer.capacity", "0",
                "gateway.lwm2m.coap.ack-timeout", "0s",
                "gateway.lwm2m.coap.udp-receive-buffer", "100"));

        assertThat(ConfigValidation.problems(config)).containsExactlyInAnyOrder(
                "gateway.lwm2m.port: 70000 is outside 0..65535",
                "gateway.mqtt.qos: 3 is outside 0..2",
                "gateway.mqtt.topic-root: 'lwm2m/#' must be a non-empty topic without wildcards or trailing slash",
                "gateway.buffer.capacity: 0 is below the minimum 1",
                "gateway.lwm2m.coap.ack-timeout: PT0S must be longer than zero",
                "gateway.lwm2m.coap.udp-receive-buffer: 100 is below the minimum 8192");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "gateway.commands.ttl-check-interval | 0s | gateway.commands.ttl-check-interval: PT0S must be longer than zero",
        "gateway.commands.default-timeout | 0s | gateway.commands.default-timeout: PT0S must be longer than zero",
        "gateway.commands.default-ttl | -1s | gateway.commands.default-ttl: PT-1S must be longer than zero",
        "gateway.commands.max-queued-per-device | 0 | gateway.commands.max-queued-per-device: 0 is below the minimum 1",
        "gateway.lwm2m.awake-time | 2147483648s | gateway.lwm2m.awake-time: PT596523H14M8S is outside 0..2147483647 seconds",
        "gateway.mqtt.keep-alive | 65536s | gateway.mqtt.keep-alive: PT18H12M16S is outside 0..65535 seconds",
        "gateway.mqtt.session-expiry | 4294967296s | gateway.mqtt.session-expiry: PT1193046H28M16S is outside 0..4294967295 seconds",
        "gateway.mqtt.response-topic-filter | app/#/x | gateway.mqtt.response-topic-filter: # must be a whole level and the last one",
        "gateway.mqtt.response-topic-filter | app/x+ | gateway.mqtt.response-topic-filter: + must be a whole level",
        "gateway.mqtt.port | 0 | gateway.mqtt.port: 0 is outside 1..65535",
        "gateway.mqtt.embedded.port | 0 | gateway.mqtt.embedded.port: 0 is outside 1..65535",
        "gateway.kafka.status-topic | ' ' | gateway.kafka.status-topic: must not be empty",
        "gateway.kafka.events-topic | ' ' | gateway.kafka.events-topic: must not be empty",
        "gateway.kafka.telemetry-topic | ' ' | gateway.kafka.telemetry-topic: must not be empty",
        "gateway.kafka.commands-topic | ' ' | gateway.kafka.commands-topic: must not be empty",
        "gateway.kafka.command-results-topic | ' ' | gateway.kafka.command-results-topic: must not be empty",
        "gateway.kafka.campaigns-topic | ' ' | gateway.kafka.campaigns-topic: must not be empty",
        "gateway.kafka.campaign-status-topic | ' ' | gateway.kafka.campaign-status-topic: must not be empty",
    })
    void a_bad_value_of_each_key_is_reported_naming_it(String key, String value, String problem) {
        GatewayConfig config = bind(Map.of("gateway.id", "gw-1", key, value));

        assertThat(ConfigValidation.problems(config)).containsExactly(problem);
    }

    @Test
    void the_largest_values_on_the_wire_are_accepted() {
        GatewayConfig config = bind(Map.of("gateway.id", "gw-1",
                "gateway.lwm2m.awake-time", "2147483647s",
                "gateway.mqtt.keep-alive", "65535s",
                "gateway.mqtt.session-expiry", "4294967295s",
                "gateway.commands.max-queued-per-device", "1"));

        assertThat(ConfigValidation.problems(config)).isEmpty();
    }

    @Test
    void firmware_defaults_bind_and_bad_firmware_values_name_their_keys() {
        GatewayConfig defaults = bind(Map.of("gateway.id", "gw-1"));
        assertThat(defaults.firmware().blockSize()).isEqualTo(512);
        assertThat(defaults.firmware().maxImageSize()).isEqualTo(64L * 1024 * 1024);
        assertThat(defaults.firmware().cacheMaxBytes()).isEqualTo(1024L * 1024 * 1024);
        assertThat(defaults.firmware().downloadTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.firmware().pullUriHost()).isEmpty();

        GatewayConfig config = bind(Map.of(
                "gateway.id", "gw-1",
                "gateway.firmware.block-size", "500",
                "gateway.firmware.max-image-size", "2048",
                "gateway.firmware.cache-max-bytes", "1024",
                "gateway.firmware.pull-uri-host", " ",
                "gateway.firmware.download-timeout", "0s",
                "gateway.firmware.update-timeout", "0s"));

        assertThat(ConfigValidation.problems(config)).containsExactlyInAnyOrder(
                "gateway.firmware.block-size: 500 is not one of 16, 32, 64, 128, 256, 512, 1024",
                "gateway.firmware.cache-max-bytes: 1024 is below gateway.firmware.max-image-size (2048)",
                "gateway.firmware.pull-uri-host: must not be empty",
                "gateway.firmware.download-timeout: PT0S must be longer than zero",
                "gateway.firmware.update-timeout: PT0S must be longer than zero");
        assertThat(ConfigValidation.problems(bind(Map.of("gateway.id", "gw-1", "gateway.firmware.block-size", "2048"))))
                .containsExactly("gateway.firmware.block-size: 2048 is not one of 16, 32, 64, 128, 256, 512, 1024");
    }

    @Test
    void auto_observe_rules_bind_from_indexed_keys() {
        GatewayConfig config = bind(Map.of(
                "gateway.id", "gw-1",
                "gateway.observe.rules[0].path", "/3/0/9",
                "gateway.observe.rules[1].path", "/3303",
                "gateway.observe.rules[1].pmin", "10",
                "gateway.observe.rules[1].format", "senml-cbor"));

        assertThat(config.observe().rules()).hasSize(2);
        assertThat(config.observe().rules().get(1).pmin()).contains(10L);
        assertThat(config.observe().rules().get(1).format()).contains("senml-cbor");
    }

    @Test
    void the_operator_api_is_on_without_a_token_and_its_limits_are_checked() {
        GatewayConfig defaults = bind(Map.of("gateway.id", "gw-1"));
        assertThat(defaults.http().api().enabled()).isTrue();
        assertThat(defaults.http().api().token()).isEmpty();
        assertThat(defaults.http().api().sseBuffer()).isEqualTo(256);
        assertThat(defaults.http().api().resultGrace()).isEqualTo(Duration.ofSeconds(2));

        GatewayConfig bad = bind(Map.of("gateway.id", "gw-1", "gateway.http.api.sse-buffer", "0",
                "gateway.http.api.events-per-device", "-1", "gateway.http.api.result-grace", "-1s"));
        assertThat(ConfigValidation.problems(bad)).anyMatch(p -> p.startsWith("gateway.http.api.sse-buffer"))
                .anyMatch(p -> p.startsWith("gateway.http.api.events-per-device"))
                .anyMatch(p -> p.startsWith("gateway.http.api.result-grace"));
    }
}
