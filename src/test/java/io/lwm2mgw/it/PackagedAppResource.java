package io.lwm2mgw.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;

/**
 * Configuration for the packaged gateway, which runs in its own process with the prod profile: the shared
 * in-process brokers of this test JVM, a CoAP port chosen here (the test reads it with {@link #coapPort()}),
 * and a command store under target/; the gateway id the {@link Contract} expects.
 */
public class PackagedAppResource implements QuarkusTestResourceLifecycleManager {

    /** The CoAP (UDP) port the packaged gateway listens on, the same for the resource and the test. */
    public static int coapPort() {
        return TestBrokers.sharedFreePort("it.coap.port");
    }

    @Override
    public Map<String, String> start() {
        return Map.of(
                "gateway.id", "gw-test",
                "gateway.mqtt.host", "127.0.0.1",
                "gateway.mqtt.port", String.valueOf(TestBrokers.mqttPort()),
                "kafka.bootstrap.servers", TestBrokers.kafkaBootstrap(),
                "gateway.lwm2m.host", "127.0.0.1",
                "gateway.lwm2m.port", String.valueOf(coapPort()),
                "gateway.commands.store-directory", "target/it-command-store/" + UUID.randomUUID(),
                "gateway.lwm2m.state-directory", "target/it-registration-store/" + UUID.randomUUID());
    }

    @Override
    public void stop() {
        // the brokers are shared by every test class of this JVM and stop with it
    }
}
