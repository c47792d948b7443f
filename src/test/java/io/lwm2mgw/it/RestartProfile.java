package io.lwm2mgw.it;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The gateway of the restart tests: shared brokers, a fixed MQTT client id (its persistent session carries
 * unacknowledged commands across the restart), a fixed command store, a 1 s awake time. Two subclasses
 * make Quarkus start the application twice; Quarkus runs test classes grouped by profile in the order of the
 * profiles' names, hence Phase1 and Phase2.
 */
public abstract class RestartProfile implements QuarkusTestProfile {

    static final String ENDPOINT = "restart-lamp";
    static final String SILENT = "restart-silent";
    /** The probe's session spans both phases, so it sees every result published around the restart. */
    static final String PROBE = "restart-probe";
    /** The campaign that is half done when the gateway stops. */
    static final String CAMPAIGN = "restart-campaign";
    static final int CAMPAIGN_DEVICES = 6;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "gateway.mqtt.host", "127.0.0.1",
                "gateway.mqtt.port", String.valueOf(TestBrokers.mqttPort()),
                "gateway.mqtt.client-id", "gw-restart-test",
                "gateway.lwm2m.awake-time", "1s",
                "gateway.commands.store-directory", "target/command-store/restart-"
                        + TestBrokers.sharedFreePort("test.restart.store"),
                "gateway.firmware.campaign-directory", "target/campaigns/restart-"
                        + TestBrokers.sharedFreePort("test.restart.store"));
    }

    /** The gateway before the restart. */
    public static class Phase1Before extends RestartProfile {
    }

    /** The same gateway after the restart. */
    public static class Phase2After extends RestartProfile {
    }
}
