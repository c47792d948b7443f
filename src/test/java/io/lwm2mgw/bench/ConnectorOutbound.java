package io.lwm2mgw.bench;

import io.lwm2mgw.northbound.OutboundMessage;
import io.lwm2mgw.northbound.kafka.KafkaRecords;
import io.lwm2mgw.northbound.kafka.KafkaSink;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Bench K1's other outbound path: the gateway's Kafka records (built by {@link KafkaRecords#record}) sent through
 * SmallRye Reactive Messaging's Kafka connector, one {@link Message} per record, whose ack or nack completes
 * the answer, as {@link KafkaSink#offer} answers once the producer acknowledged. Exists only in the
 * benchmark's build ({@code lwm2mgw.bench.k1=true}), so no other test application gets the channel.
 */
@ApplicationScoped
@IfBuildProperty(name = "lwm2mgw.bench.k1", stringValue = "true")
public class ConnectorOutbound {

    /** The outgoing channel, configured by {@link KafkaOutboundBenchmark.Profile}. */
    static final String CHANNEL = "k1-telemetry";

    // as many as KafkaSink's buffer holds (gateway.buffer.capacity's default)
    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 100_000)
    Emitter<byte[]> emitter;

    /** Hands one message to the connector; completes on the broker's acknowledgement, fails on a nack. */
    CompletionStage<Void> offer(OutboundMessage message, String topic) {
        ProducerRecord<String, byte[]> record = KafkaRecords.record(message, topic);
        CompletableFuture<Void> done = new CompletableFuture<>();
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(record.topic()).withKey(record.key()).withHeaders(record.headers()).build();
        Message<byte[]> out = Message.of(record.value()).addMetadata(metadata)
                .withAck(() -> {
                    done.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(error -> {
                    done.completeExceptionally(error);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(out);
        return done;
    }
}
