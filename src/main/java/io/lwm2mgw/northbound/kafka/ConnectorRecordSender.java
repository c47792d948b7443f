package io.lwm2mgw.northbound.kafka;

import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * The outbound records through Reactive Messaging's Kafka connector: one {@link Message} per record on the
 * channel {@value #CHANNEL} (application.properties configures it, {@link OutboundProducerSettings} gives its
 * producer the sink's settings), its ack or nack reported to the record's callback. The connector sends the
 * messages in the order emitted; it does not resend a failed one (channel {@code retries=0}): the sink puts it
 * back in order, while the idempotent producer retries what it has taken.
 */
@ApplicationScoped
class ConnectorRecordSender implements RecordSender {

    static final String CHANNEL = "lwm2m-outbound";

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    // the sink keeps at most KafkaSink.MAX_WITH_PRODUCER records unanswered, so this buffer never overflows
    @Inject
    @Channel(CHANNEL)
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = KafkaSink.MAX_WITH_PRODUCER)
    Emitter<ProducerRecord<String, byte[]>> emitter;

    @Inject
    KafkaClientService clients;

    @Override
    public void send(ProducerRecord<String, byte[]> record, Callback done) {
        emitter.send(Message.of(record, () -> {
            done.onCompletion(null, null);
            return DONE;
        }, error -> {
            done.onCompletion(null, error instanceof Exception e ? e : new RuntimeException(error));
            return DONE;
        }));
    }

    @Override
    public void awaitMetadata(String topic) {
        producer().partitionsFor(topic);
    }

    /** The channel's producer, once the connector made it (at start, beside the sink's first send). */
    private Producer<?, ?> producer() {
        while (true) {
            var client = clients.getProducer(CHANNEL);
            if (client != null && client.unwrap() != null) {
                return client.unwrap();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new org.apache.kafka.common.errors.InterruptException(e);
            }
        }
    }
}
