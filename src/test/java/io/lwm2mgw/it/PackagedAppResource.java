package io.lwm2mgw.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Configuration for the packaged gateway, which runs in its own process with the prod profile: the shared
 * in-process brokers of this test JVM, CoAP and CoAPS ports chosen here (the test reads them with
 * {@link #coapPort()}), every folder it writes under target/, and the gateway id the {@link Contract} expects.
 */
public class PackagedAppResource implements QuarkusTestResourceLifecycleManager {

    /** The CoAP (UDP) port the packaged gateway listens on, the same for the resource and the test. */
    public static int coapPort() {
        return TestBrokers.sharedFreeUdpPort("it.coap.port");
    }

    /** The CoAPS (DTLS) port, chosen like {@link #coapPort()}. */
    public static int coapsPort() {
        return TestBrokers.sharedFreeUdpPort("it.coaps.port");
    }

    /**
     * The gateway id, the loopback CoAP and CoAPS ports and fresh folders under target/ for every store: what a
     * packaged gateway needs that must not reach the test JVM's brokers (a profile of its own adds the rest).
     */
    public static Map<String, String> isolated() {
        // every @QuarkusIntegrationTest asks for this before Quarkus launches its jar: the moment to hand that jar
        // the AppCDS archive (pom: quarkus.test.arg-line reads the argument file)
        AppCdsArchive.writeArgFile();
        String data = "target/it-data/" + UUID.randomUUID();
        return Map.ofEntries(
                Map.entry("gateway.id", "gw-test"),
                Map.entry("gateway.lwm2m.host", "127.0.0.1"),
                Map.entry("gateway.lwm2m.port", String.valueOf(coapPort())),
                Map.entry("gateway.lwm2m.security.coaps-port", String.valueOf(coapsPort())),
                Map.entry("gateway.commands.store-directory", data + "/commands"),
                Map.entry("gateway.lwm2m.state-directory", data + "/registrations"),
                Map.entry("gateway.firmware.image-directory", data + "/firmware"),
                Map.entry("gateway.firmware.campaign-directory", data + "/campaigns"),
                Map.entry("gateway.lwm2m.security.provisioning.directory", data + "/credentials"));
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(isolated());
        config.put("gateway.mqtt.host", "127.0.0.1");
        config.put("gateway.mqtt.port", String.valueOf(TestBrokers.mqttPort()));
        config.put("kafka.bootstrap.servers", TestBrokers.kafkaBootstrap());
        return config;
    }

    @Override
    public void stop() {
        // the brokers are shared by every test class of this JVM and stop with it
    }
}
