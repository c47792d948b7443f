package io.lwm2mgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.config.GatewayConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The native executable has no embedded broker: without gateway.mqtt.host it refuses to start. */
class NativeConfigValidationTest {

    private static GatewayConfig bind(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build().getConfigMapping(GatewayConfig.class);
    }

    @Test
    void a_native_executable_without_a_broker_names_the_key() {
        assertThat(ConfigValidation.nativeProblems(bind(Map.of("gateway.id", "gw-1")), true))
                .containsExactly("gateway.mqtt.host: required by the native executable, which has no embedded MQTT broker");
    }

    @Test
    void a_native_executable_with_a_broker_and_the_jvm_without_one_are_fine() {
        assertThat(ConfigValidation.nativeProblems(bind(Map.of("gateway.id", "gw-1", "gateway.mqtt.host", "broker")), true))
                .isEmpty();
        assertThat(ConfigValidation.nativeProblems(bind(Map.of("gateway.id", "gw-1")), false)).isEmpty();
    }
}
