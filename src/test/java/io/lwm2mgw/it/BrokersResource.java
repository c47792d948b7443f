package io.lwm2mgw.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the gateway under test at the shared in-process Kafka and MQTT 5 brokers. */
public class BrokersResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "gateway.mqtt.host", "127.0.0.1",
                "gateway.mqtt.port", String.valueOf(TestBrokers.mqttPort()),
                "kafka.bootstrap.servers", TestBrokers.kafkaBootstrap());
    }

    @Override
    public void stop() {
        // the brokers are shared by every test class of this JVM and stop with it
    }
}
