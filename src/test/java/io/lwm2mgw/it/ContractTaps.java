package io.lwm2mgw.it;

/**
 * An MQTT probe on {@code lwm2m/#} and a Kafka probe on the named topics of the shared test brokers, closed with
 * a contract check of everything both saw.
 */
final class ContractTaps {

    private final MqttProbe mqtt;
    private final KafkaProbe kafka;

    private ContractTaps(MqttProbe mqtt, KafkaProbe kafka) {
        this.mqtt = mqtt;
        this.kafka = kafka;
    }

    static ContractTaps open(String... kafkaTopics) {
        return new ContractTaps(new MqttProbe(TestBrokers.mqttPort()),
                new KafkaProbe(TestBrokers.kafkaBootstrap(), kafkaTopics));
    }

    MqttProbe mqtt() {
        return mqtt;
    }

    KafkaProbe kafka() {
        return kafka;
    }

    /** Fails if anything published breaks the contract; closes both probes in any case. */
    void assertContractAndClose() throws InterruptedException {
        try {
            Contract.assertEveryMqttMessage(mqtt.all());
            Contract.assertEveryKafkaRecord(kafka.all());
        } finally {
            mqtt.close();
            kafka.close();
        }
    }
}
