package io.lwm2mgw.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.lwm2mgw.config.GatewayConfig;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A refused configuration reported in full: what SmallRye cannot bind and what the gateway's checks find. */
class ConfigReportTest {

    private static final Map<String, String> BAD = Map.of(
            "gateway.id", "gw-1",
            "gateway.lwm2m.request-timeout", "5 seconds",
            "gateway.mqtt.keep-alive", "soon",
            "gateway.lwm2m.port", "70000",
            "gateway.mqtt.qos", "3");

    private static SmallRyeConfig sources(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
    }

    private static ConfigValidationException bindingFailure(Map<String, String> properties) {
        return catchThrowableOfType(ConfigValidationException.class, () -> new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build());
    }

    @Test
    void values_smallrye_cannot_convert_and_values_out_of_range_are_reported_together() {
        ConfigValidationException failure = bindingFailure(BAD);
        assertThat(failure).as("SmallRye refuses the two durations").isNotNull();

        List<String> problems = ConfigReport.problems(failure, sources(BAD));

        assertThat(problems).anyMatch(p -> p.contains("gateway.lwm2m.request-timeout") && p.contains("5 seconds"))
                .anyMatch(p -> p.contains("gateway.mqtt.keep-alive") && p.contains("soon"))
                .contains("gateway.lwm2m.port: 70000 is outside 0..65535", "gateway.mqtt.qos: 3 is outside 0..2");
        assertThat(problems).as("a set-aside key is not also blamed for its default")
                .noneMatch(p -> p.startsWith("gateway.mqtt.keep-alive:"));
    }

    @Test
    void a_failure_of_the_gateways_own_checks_is_reported_once() {
        Map<String, String> ranges = Map.of("gateway.id", "gw-1", "gateway.lwm2m.port", "70000");
        ConfigValidationException failure = new ConfigValidationException(new ConfigValidationException.Problem[] {
            new ConfigValidationException.Problem("gateway.lwm2m.port: 70000 is outside 0..65535")});

        assertThat(ConfigReport.problems(failure, sources(ranges)))
                .containsExactly("gateway.lwm2m.port: 70000 is outside 0..65535");
    }

    @Test
    void the_key_a_message_names_is_the_whole_key_in_it() {
        assertThat(ConfigReport.keysNamedIn(List.of(
                "SRCFG00039: The config property gateway.mqtt.port-range with the config value \"x\" threw",
                "SRCFG00014: The config property gateway.observe.rules[0].paths is required.")))
                .containsExactlyInAnyOrder("gateway.mqtt.port-range", "gateway.observe.rules[0].paths");
        assertThat(ConfigReport.keysNamedIn(List.of("nothing of ours"))).isEmpty();
    }

    @Test
    void the_cause_chain_is_searched_for_configuration_problems() {
        ConfigValidationException problems = new ConfigValidationException(
                new ConfigValidationException.Problem[] {new ConfigValidationException.Problem("x")});

        assertThat(ConfigReport.configurationProblems(new RuntimeException(new IllegalStateException(problems))))
                .isSameAs(problems);
        assertThat(ConfigReport.configurationProblems(new RuntimeException("other"))).isNull();
    }
}
