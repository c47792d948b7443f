package io.lwm2mgw.it;

import io.lwm2mgw.southbound.lwm2m.Lwm2mEndpoint;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every flow test against the shared brokers has: the gateway's CoAP port, an MQTT probe on
 * {@code lwm2m/#}, a Kafka probe on the topics the test names, and after each test a contract check of
 * everything both probes saw.
 */
abstract class BrokerFlowTest {

    @Inject
    Lwm2mEndpoint lwm2m;

    protected MqttProbe mqtt;
    protected KafkaProbe kafka;
    protected int port;
    private ContractTaps taps;

    /** The Kafka topics this test reads. */
    protected abstract String[] kafkaTopics();

    @BeforeEach
    void probes() {
        port = lwm2m.boundPort().orElseThrow();
        taps = ContractTaps.open(kafkaTopics());
        mqtt = taps.mqtt();
        kafka = taps.kafka();
    }

    @AfterEach
    void everything_published_meets_the_contract() throws InterruptedException {
        taps.assertContractAndClose();
    }
}
