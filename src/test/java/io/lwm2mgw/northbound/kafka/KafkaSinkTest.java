package io.lwm2mgw.northbound.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.northbound.CloudEventAttributes;
import io.lwm2mgw.northbound.OutboundMessage;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The producer callback handling, driven by hand: no cluster, the sender thread not started. */
class KafkaSinkTest {

    private final KafkaSink sink = sink();

    private static KafkaSink sink() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("gateway.id", "gw-1"), "test", 500))
                .build();
        return new KafkaSink(config.getConfigMapping(GatewayConfig.class), config, new RecordSender() {
            @Override
            public void send(ProducerRecord<String, byte[]> record, Callback done) {
                throw new AssertionError("the sender thread is not started here");
            }

            @Override
            public void awaitMetadata(String topic) {
                throw new AssertionError("the sender thread is not started here");
            }
        });
    }

    private static io.lwm2mgw.northbound.OutboundQueue.Entry message(String qualifier) {
        return new io.lwm2mgw.northbound.OutboundQueue.Entry(outbound(qualifier),
                new java.util.concurrent.CompletableFuture<>());
    }

    private static OutboundMessage outbound(String qualifier) {
        return new OutboundMessage(OutboundMessage.Channel.EVENT, EndpointName.of("dev-1"), qualifier,
                qualifier.getBytes(StandardCharsets.UTF_8),
                new CloudEventAttributes(qualifier, "/gw", "lwm2m.registered", "dev-1", Instant.EPOCH));
    }

    @Test
    void records_with_the_producer_count_in_the_buffer_depth() {
        sink.callbackFor(message("a"), "lwm2m.events");
        Callback b = sink.callbackFor(message("b"), "lwm2m.events");

        assertThat(sink.bufferDepth()).isEqualTo(2);

        b.onCompletion(null, null);

        assertThat(sink.bufferDepth()).isEqualTo(1);
    }

    @Test
    void records_the_producer_could_not_take_in_time_go_back_in_order_and_are_not_lost() throws Exception {
        sink.offer(outbound("c"));
        var c = sink.pollBuffered();
        Callback a = sink.callbackFor(message("a"), "lwm2m.events");
        Callback b = sink.callbackFor(message("b"), "lwm2m.events");
        sink.offer(c.message()); // not sent yet

        b.onCompletion(null, new BufferExhaustedException("buffer full"));
        a.onCompletion(null, new TimeoutException("metadata not available after 100 ms"));

        assertThat(sink.bufferDepth()).isEqualTo(3);
        assertThat(sink.droppedCount()).isZero();

        sink.requeueReturned();

        assertThat(sink.pollBuffered().message().qualifier()).isEqualTo("a");
        assertThat(sink.pollBuffered().message().qualifier()).isEqualTo("b");
        assertThat(sink.pollBuffered().message().qualifier()).isEqualTo("c");
    }

    @Test
    void a_record_the_cluster_refuses_for_good_is_counted_lost() {
        sink.callbackFor(message("a"), "lwm2m.events").onCompletion(null, new RecordTooLargeException("too large"));

        assertThat(sink.droppedCount()).isEqualTo(1);
        assertThat(sink.bufferDepth()).isZero();
    }

    @Test
    void a_record_is_keyed_by_endpoint_with_cloud_events_headers() {
        var record = KafkaRecords.record(outbound("registered"), "lwm2m.events");

        assertThat(record.topic()).isEqualTo("lwm2m.events");
        assertThat(record.key()).isEqualTo("dev-1");
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("registered");
        assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                .isEqualTo("lwm2m.registered");
        assertThat(new String(record.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                .isEqualTo("application/json");
    }

    @Test
    void the_producer_is_idempotent_with_acks_from_all_and_a_5_ms_linger_unless_configured() {
        Map<String, Object> props = KafkaSink.producerProperties(Map.of("linger.ms", "20", "max.block.ms", "5"),
                "k:9092");

        assertThat(props).containsEntry("bootstrap.servers", "k:9092").containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true").containsEntry("linger.ms", "20")
                .as("a send never gives a record back, whatever is configured: the next would overtake it")
                .containsEntry("max.block.ms", String.valueOf(Duration.ofDays(1).toMillis()));
    }
}
