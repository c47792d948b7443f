package io.lwm2mgw.northbound.kafka;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where {@link KafkaSink} hands its records, in the order they were taken from its buffer: Reactive Messaging's
 * Kafka connector in the application ({@link ConnectorRecordSender}).
 */
interface RecordSender {

    /**
     * Hands one record over. {@code done} runs exactly once: with no error when the cluster acknowledged the
     * record, else with the producer's error (a {@link org.apache.kafka.common.errors.TimeoutException} when
     * the cluster could not take it in time).
     */
    void send(ProducerRecord<String, byte[]> record, Callback done);

    /**
     * Waits until the producer knows the topic's partitions, however long the cluster is away; interruptible
     * ({@link org.apache.kafka.common.errors.InterruptException}).
     */
    void awaitMetadata(String topic);
}
