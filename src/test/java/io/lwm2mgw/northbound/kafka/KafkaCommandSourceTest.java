package io.lwm2mgw.northbound.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.config.GatewayConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;

/** The consumer's lifecycle, against a real consumer whose cluster is not there (no records flow). */
class KafkaCommandSourceTest {

    private static SmallRyeConfig config() {
        return new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("gateway.id", "gw-1",
                        // nothing listens on port 1: the consumer polls empty, it does not fail
                        "kafka.bootstrap.servers", "127.0.0.1:1"), "test", 500))
                .build();
    }

    @Test
    void a_consumer_that_fails_is_replaced_after_a_pause_and_the_source_stays_alive() {
        SmallRyeConfig config = config();
        AtomicInteger made = new AtomicInteger();
        KafkaCommandSource source = new KafkaCommandSource(null, null, new ObjectMapper(),
                config.getConfigMapping(GatewayConfig.class), config, props -> {
                    if (made.incrementAndGet() <= 2) {
                        throw new KafkaException("broken on purpose (" + made.get() + ")");
                    }
                    return new KafkaConsumer<>(props);
                });

        source.start(null);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> made.get() == 3);
            assertThat(source.restarts()).isEqualTo(2);
            assertThat(source.alive()).isTrue();
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> made.get() == 3 && source.alive());
        } finally {
            source.stop(null);
        }
    }

    @Test
    void restarts_back_off_from_100_ms_doubling_up_to_30_s() {
        assertThat(KafkaCommandSource.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(KafkaCommandSource.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(KafkaCommandSource.backoff(5)).isEqualTo(Duration.ofMillis(1600));
        assertThat(KafkaCommandSource.backoff(50)).isEqualTo(Duration.ofSeconds(30));
    }
}
