package io.lwm2mgw.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway stopped with SIGTERM while a console follows its event stream: the stream ends as the
 * stop begins, so HTTP does not wait for it until {@code quarkus.shutdown.timeout} runs out.
 */
class OperatorApiShutdownIT {

    @Test
    void an_open_event_stream_ends_at_sigterm_and_does_not_hold_the_stop() throws Exception {
        try (RestartableGateway gateway = new RestartableGateway("gw-api-stop", TestBrokers.mqttPort())) {
            gateway.start();
            ApiClient api = new ApiClient(URI.create("http://127.0.0.1:" + gateway.httpPort()), Optional.empty());
            try (ApiClient.EventStream events = api.events("")) {
                await().atMost(Duration.ofSeconds(15)).until(() -> !events.data("connected").isEmpty());
                gateway.stop();
                await().atMost(Duration.ofSeconds(5)).until(events::ended);
            }
            assertThat(gateway.output()).contains("detached: the gateway is stopping").contains("stopped in")
                    .doesNotContain("Timed out waiting for graceful shutdown");
        }
    }
}
