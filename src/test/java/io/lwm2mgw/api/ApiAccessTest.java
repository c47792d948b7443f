package io.lwm2mgw.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.api.ApiAccess.Decision;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.config.HttpConfig;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The access rule of the operator API, apart from Vert.x: token, loopback, switched off. */
class ApiAccessTest {

    private static ApiAccess access(boolean enabled, Optional<String> token) {
        HttpConfig.ApiConfig api = new HttpConfig.ApiConfig() {
            public boolean enabled() {
                return enabled;
            }

            public Optional<String> token() {
                return token;
            }

            public int sseBuffer() {
                return 16;
            }

            public Duration resultGrace() {
                return Duration.ofSeconds(1);
            }

            public int eventsPerDevice() {
                return 10;
            }
        };
        HttpConfig http = () -> api;
        GatewayConfig config = (GatewayConfig) Proxy.newProxyInstance(ApiAccessTest.class.getClassLoader(),
                new Class<?>[] {GatewayConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("http")) {
                        return http;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new ApiAccess(config);
    }

    @Test
    void without_a_token_only_loopback_requests_reach_the_api_and_the_console() {
        ApiAccess access = access(true, Optional.empty());
        assertThat(access.decide("/api/v1/devices", null, true)).isEqualTo(Decision.PASS);
        assertThat(access.decide("/api/v1/devices", null, false)).isEqualTo(Decision.FORBIDDEN);
        assertThat(access.decide("/", null, false)).isEqualTo(Decision.FORBIDDEN);
        assertThat(access.decide("/console/app.js", null, false)).isEqualTo(Decision.FORBIDDEN);
        assertThat(access.decide("/api/v1/devices", "Bearer anything", false)).isEqualTo(Decision.FORBIDDEN);
    }

    @Test
    void health_metrics_and_openapi_stay_open_from_anywhere() {
        for (ApiAccess access : new ApiAccess[] {access(true, Optional.empty()), access(true, Optional.of("t")),
                access(false, Optional.empty())}) {
            assertThat(access.decide("/q/health/ready", null, false)).isEqualTo(Decision.PASS);
            assertThat(access.decide("/q/metrics", null, false)).isEqualTo(Decision.PASS);
            assertThat(access.decide("/q/openapi", null, false)).isEqualTo(Decision.PASS);
        }
    }

    @Test
    void with_a_token_the_api_wants_it_from_everywhere_and_the_console_files_are_open() {
        ApiAccess access = access(true, Optional.of("s3cret"));
        assertThat(access.decide("/api/v1/devices", "Bearer s3cret", false)).isEqualTo(Decision.PASS);
        assertThat(access.decide("/api/v1/devices", "bearer s3cret", true)).isEqualTo(Decision.PASS);
        assertThat(access.decide("/api/v1/devices", null, true)).isEqualTo(Decision.UNAUTHORIZED);
        assertThat(access.decide("/api/v1/devices", "Bearer s3cre", true)).isEqualTo(Decision.UNAUTHORIZED);
        assertThat(access.decide("/api/v1/devices", "Basic czNjcmV0", true)).isEqualTo(Decision.UNAUTHORIZED);
        assertThat(access.decide("/api", "", false)).isEqualTo(Decision.UNAUTHORIZED);
        assertThat(access.decide("/", null, false)).isEqualTo(Decision.PASS);
    }

    @Test
    void switched_off_neither_api_nor_console_exists() {
        ApiAccess access = access(false, Optional.of("s3cret"));
        assertThat(access.decide("/api/v1/devices", "Bearer s3cret", true)).isEqualTo(Decision.NOT_FOUND);
        assertThat(access.decide("/", null, true)).isEqualTo(Decision.NOT_FOUND);
        assertThat(access.decide("/apiary", null, false)).isEqualTo(Decision.PASS);
    }
}
