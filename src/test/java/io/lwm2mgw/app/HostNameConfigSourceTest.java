package io.lwm2mgw.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.config.GatewayConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** gateway.id falls back to the host's name when HOSTNAME is not in the environment (bash does not export it). */
class HostNameConfigSourceTest {

    private static GatewayConfig bind(Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // property expressions, as in the application
                .withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new HostNameConfigSource(), new PropertiesConfigSource(environment, "environment", 300))
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }

    @Test
    void without_hostname_in_the_environment_the_id_is_the_hosts_name() throws Exception {
        assertThat(bind(Map.of()).id()).isEqualTo(InetAddress.getLocalHost().getHostName()).isNotBlank()
                .isNotEqualTo("lwm2m-gateway");
    }

    @Test
    void hostname_in_the_environment_wins_as_on_kubernetes() {
        assertThat(bind(Map.of("HOSTNAME", "lwm2m-gateway-7c9f")).id()).isEqualTo("lwm2m-gateway-7c9f");
    }

    @Test
    void gateway_id_wins_over_both() {
        assertThat(bind(Map.of("HOSTNAME", "pod-1", "gateway.id", "north-1")).id()).isEqualTo("north-1");
    }
}
