package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * With gateway.http.api.token set, the API wants the bearer token; health, metrics and the console stay open.
 * The packaged jar, so that the token's configuration costs no second build of the application under test.
 */
@QuarkusIntegrationTest
@TestProfile(OperatorApiTokenIT.WithToken.class)
@WithTestResource(PackagedAppResource.class)
class OperatorApiTokenIT {

    static final String TOKEN = "operator-3d1f9c";

    public static class WithToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.http.api.token", TOKEN);
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Test
    void a_request_without_the_token_or_with_another_gets_401_and_with_it_200() throws Exception {
        ApiClient anonymous = new ApiClient(base.toURI(), Optional.empty());
        ApiClient wrong = new ApiClient(base.toURI(), Optional.of(TOKEN + "x"));
        ApiClient operator = new ApiClient(base.toURI(), Optional.of(TOKEN));

        ApiClient.Answer refused = anonymous.get("/api/v1/devices");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("error").asText()).contains("bearer token");
        assertThat(wrong.get("/api/v1/devices").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/devices/x/commands/read", "{\"path\":\"/3/0\"}").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/v1/events").status()).isEqualTo(401);

        assertThat(operator.get("/api/v1/devices").status()).isEqualTo(200);
        assertThat(anonymous.get("/q/health/ready").status()).isIn(200, 503);
        assertThat(anonymous.get("/q/metrics").status()).isEqualTo(200);
        assertThat(anonymous.get("/").status()).isEqualTo(200);
    }
}
