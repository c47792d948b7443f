package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 7: commands in flight at a {@code kill -9}. Each device sits behind a {@link UdpProxy} that
 * swallows the gateway's request, so the command is sent and unanswered when the gateway dies; the broker
 * redelivers it to the next life, when the device answers again. An idempotent op (read, write) is sent
 * again and succeeds; an execute is answered {@code failed} without reaching the device, unless the command
 * says {@code "retry": true}.
 */
class InFlightCommandsAfterCrashIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String NOT_REPEATED = "the gateway stopped while it was in flight; not repeated";

    @Test
    void after_a_kill_in_flight_reads_and_writes_are_sent_again_and_an_execute_only_when_it_says_retry()
            throws Exception {
        Map<String, String> commands = Map.of(
                "read", "{\"id\":\"f-read\",\"path\":\"/3311/0/5851\",\"timeout\":60}",
                "write", "{\"id\":\"f-write\",\"path\":\"/3311/0/5851\",\"value\":33,\"timeout\":60}",
                "execute", "{\"id\":\"f-exec\",\"path\":\"/3/0/4\",\"timeout\":60}",
                "retried", "{\"id\":\"f-retry\",\"path\":\"/3/0/4\",\"timeout\":60,\"retry\":true}");
        List<AutoCloseable> resources = new ArrayList<>();
        // mosquitto, not the shared HiveMQ: HiveMQ CE hands a client its next QoS 1 message only once the one
        // before is acknowledged, so a second command would not reach the gateway while the first is in flight
        try (MosquittoProcess broker = new MosquittoProcess().start();
                RestartableGateway gateway = new RestartableGateway("gw-inflight", broker.port());
                MqttProbe mqtt = gateway.probe()) {
            gateway.start();
            Map<String, UdpProxy> proxies = new java.util.TreeMap<>();
            Map<String, TestDevice> devices = new java.util.TreeMap<>();
            for (String name : commands.keySet()) {
                UdpProxy proxy = new UdpProxy(gateway.coapPort());
                resources.add(proxy);
                TestDevice device = givenDevice(name + "-" + gateway.id()).withLight().registeredAt(proxy.port());
                resources.add(device);
                proxies.put(name, proxy);
                devices.put(name, device);
            }
            proxies.values().forEach(UdpProxy::cut);
            commands.forEach((name, document) -> gateway.command(devices.get(name).endpoint(),
                    name.equals("retried") ? "execute" : name, document));
            await().atMost(WAIT).untilAsserted(() -> proxies.forEach((name, proxy) -> assertThat(
                    proxy.droppedFromGateway()).as("%s was sent to the device\n%s", name, gateway.output()).isPositive()));

            gateway.kill();
            proxies.values().forEach(UdpProxy::reconnect);
            gateway.start();

            await().atMost(WAIT).untilAsserted(() -> devices.forEach((name, device) -> assertThat(
                    results(mqtt, gateway, device)).as("%s has a result\n%s", name, gateway.allOutput()).isNotEmpty()));
            JsonNode read = single(mqtt, gateway, devices.get("read"));
            assertThat(read.path("status").asText()).as(read.toString()).isEqualTo("success");
            assertThat(read.path("values").path("/3311/0/5851").asLong()).as(read.toString()).isEqualTo(100);
            JsonNode write = single(mqtt, gateway, devices.get("write"));
            assertThat(write.path("status").asText()).as(write.toString()).isEqualTo("success");
            assertThat(devices.get("write").dimmerWrites()).containsExactly(33L);
            JsonNode execute = single(mqtt, gateway, devices.get("execute"));
            assertThat(execute.path("status").asText()).as(execute.toString()).isEqualTo("failed");
            assertThat(execute.path("error").asText()).isEqualTo(NOT_REPEATED);
            assertThat(devices.get("execute").reboots()).as("not executed after the restart").isZero();
            JsonNode retried = single(mqtt, gateway, devices.get("retried"));
            assertThat(retried.path("status").asText()).as(retried.toString()).isEqualTo("success");
            assertThat(devices.get("retried").reboots()).as("executed once, after the restart").isEqualTo(1);
            // exactly one final result each: no late second one
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> devices.values().stream()
                    .allMatch(d -> results(mqtt, gateway, d).size() == 1));
        } finally {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        }
    }

    private static List<JsonNode> results(MqttProbe mqtt, RestartableGateway gateway, TestDevice device) {
        return mqtt.matching(m -> m.topic().startsWith(gateway.root() + "/" + device.endpoint() + "/results/"))
                .stream().map(MqttProbe.Received::json).toList();
    }

    private static JsonNode single(MqttProbe mqtt, RestartableGateway gateway, TestDevice device) {
        List<JsonNode> results = results(mqtt, gateway, device);
        assertThat(results).as("one final result for %s", device.endpoint()).hasSize(1);
        return results.get(0);
    }
}
