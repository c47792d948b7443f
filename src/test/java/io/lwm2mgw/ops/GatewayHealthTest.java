package io.lwm2mgw.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.northbound.EventSink;
import io.lwm2mgw.northbound.OutboundMessage;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

class GatewayHealthTest {

    /** A sink that reports a fixed state; nothing is offered to it. */
    private record FixedSink(String name, boolean enabled, boolean alive, boolean connected) implements EventSink {
        @Override
        public java.util.concurrent.CompletionStage<Void> offer(OutboundMessage message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int bufferDepth() {
            return 0;
        }

        @Override
        public long droppedCount() {
            return 0;
        }
    }

    @Test
    void liveness_is_down_when_an_enabled_sink_lost_its_sender_thread() {
        HealthCheckResponse response = GatewayHealth.sinkLiveness(List.of(
                new FixedSink("mqtt", true, false, true), new FixedSink("kafka", true, true, true)));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("mqtt", "dead").containsEntry("kafka", "running");
    }

    @Test
    void liveness_is_up_when_every_enabled_sink_runs_and_ignores_disabled_ones() {
        HealthCheckResponse response = GatewayHealth.sinkLiveness(List.of(
                new FixedSink("mqtt", true, true, false), new FixedSink("kafka", false, false, false)));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).doesNotContainKey("kafka");
    }

    @Test
    void readiness_stays_up_while_a_broker_is_unreachable_and_says_so_in_its_data() {
        HealthCheckResponse response = GatewayHealth.northboundState(List.of(
                new FixedSink("mqtt", true, true, false), new FixedSink("kafka", true, true, true)));

        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().orElseThrow()).containsEntry("mqtt", "unreachable")
                .containsEntry("kafka", "connected");
    }

    @Test
    void readiness_is_down_while_a_store_cannot_write_and_up_again_once_it_does() {
        io.lwm2mgw.storage.StoreHealth stores = new io.lwm2mgw.storage.StoreHealth();
        stores.failing("registrations", "No space left on device");

        HealthCheckResponse response = GatewayHealth.storageState(stores);
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("registrations", "No space left on device");

        stores.recovered("registrations");
        assertThat(GatewayHealth.storageState(stores).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}
