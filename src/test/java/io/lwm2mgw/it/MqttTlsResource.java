package io.lwm2mgw.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points the gateway at the shared MQTT broker's TLS listener, with the x509-dev client certificate. */
public class MqttTlsResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "gateway.mqtt.host", "localhost",
                "gateway.mqtt.port", String.valueOf(TestBrokers.mqttTlsPort()),
                "gateway.mqtt.tls.enabled", "true",
                "gateway.mqtt.tls.trust-store", TestKeyStores.trustStore().toString(),
                "gateway.mqtt.tls.trust-store-password", TestKeyStores.PASSWORD,
                "gateway.mqtt.tls.key-store", TestKeyStores.clientKeyStore().toString(),
                "gateway.mqtt.tls.key-store-password", TestKeyStores.PASSWORD,
                "kafka.bootstrap.servers", TestBrokers.kafkaBootstrap());
    }

    @Override
    public void stop() {
        // the brokers are shared by every test class of this JVM and stop with it
    }
}
