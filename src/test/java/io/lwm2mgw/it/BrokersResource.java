package io.lwm2mgw.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the gateway under test at the shared in-process Kafka and MQTT 5 brokers. Every flow test shares this one
 * configuration, so that Quarkus builds and starts the application once for all of them: queue-mode devices get a
 * 1 s awake time and at most {@link #MAX_QUEUED} commands waiting each (a command waits while the one before it
 * runs, so the cap must hold the bursts the flow tests send). Each queue-mode test first waits for its device to
 * fall asleep, so it pays the awake time once (3 s before); a woken device still stays awake through its queued
 * commands, since Leshan starts the awake time again on every answer. The security tests share it too
 * ({@link SecurityProfile}).
 */
public class BrokersResource implements QuarkusTestResourceLifecycleManager {

    /** Commands waiting per device before one more is answered {@code failed}. */
    public static final int MAX_QUEUED = 12;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(SecurityProfile.config());
        config.putAll(Map.of(
                "gateway.mqtt.host", "127.0.0.1",
                "gateway.mqtt.port", String.valueOf(TestBrokers.mqttPort()),
                "kafka.bootstrap.servers", TestBrokers.kafkaBootstrap(),
                "gateway.lwm2m.awake-time", "1s",
                "gateway.commands.max-queued-per-device", String.valueOf(MAX_QUEUED),
                "gateway.commands.ttl-check-interval", "200ms"));
        return config;
    }

    @Override
    public void stop() {
        // the brokers are shared by every test class of this JVM and stop with it
    }
}
