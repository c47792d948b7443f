package io.lwm2mgw.it;

import static io.lwm2mgw.it.TestDevice.givenDevice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.lwm2mgw.state.redis.RedisCall;
import io.lwm2mgw.state.redis.RedisServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged gateways as replicas on one redis-server and one MQTT broker, under one topic root: each command
 * published once reaches one replica (shared subscription) and ends in exactly one result from the replica that
 * holds the device. Then the owner is killed with a command waiting for it in Redis; the device's next Update
 * reaches the survivor (a UDP proxy standing for the load balancer moves it), which takes the registration over
 * and runs the command.
 */
@Tag("replicas")
class ReplicaCommandsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    @Test
    void each_command_ends_once_on_the_owner_and_a_dead_owners_command_runs_on_the_survivor() throws Exception {
        String root = "replicas-" + UUID.randomUUID().toString().substring(0, 8);
        String endpoint = "replicated-" + UUID.randomUUID().toString().substring(0, 8);
        int mqttPort = TestBrokers.mqttPort();
        try (RedisServerProcess redis = RedisServerProcess.start(folder);
                RestartableGateway a = replica("gw-rep-a", root, redis);
                RestartableGateway b = replica("gw-rep-b", root, redis);
                MqttProbe results = new MqttProbe(mqttPort, root + "/" + endpoint + "/results/+")) {
            RedisCall call = redis.call();
            a.start();
            b.start();
            Mqtt5BlockingClient app = MqttClient.builder().useMqttVersion5().identifier("app-" + root)
                    .serverHost("127.0.0.1").serverPort(mqttPort).buildBlocking();
            app.connect();
            try (UdpProxy balancer = new UdpProxy(b.coapPort());
                    TestDevice device = givenDevice(endpoint).withLifetime(Duration.ofMinutes(10))
                            .registeredAt(balancer.port())) {
                await().atMost(WAIT).until(() -> b.id().equals(owner(call, endpoint)));

                int n = 10;
                for (int i = 0; i < n; i++) {
                    command(app, root, endpoint, "c-" + i);
                }
                command(app, root, endpoint, "last");
                await().atMost(WAIT).until(() -> finals(results, "last") == 1
                        && java.util.stream.IntStream.range(0, n).allMatch(i -> finals(results, "c-" + i) >= 1));
                for (int i = 0; i < n; i++) {
                    assertThat(finals(results, "c-" + i)).as("c-" + i + " ends once").isOne();
                }
                assertThat(results.all()).as(a.output()).allSatisfy(r ->
                        assertThat(r.json().path("status").asText()).isEqualTo("success"));
                // the broker may give every one of those to the owner: over HTTP the other replica takes them
                ApiClient api = new ApiClient(java.net.URI.create("http://127.0.0.1:" + a.httpPort()),
                        java.util.Optional.empty());
                for (int i = 0; i < 3; i++) {
                    ApiClient.Answer answer = api.post("/api/v1/devices/" + endpoint + "/commands/read",
                            "{\"id\":\"h-" + i + "\",\"path\":\"/3/0/0\"}");
                    assertThat(answer.status()).as(answer.body() + a.output()).isEqualTo(200);
                    assertThat(answer.json().path("status").asText()).as("the owner's result, through the taker")
                            .isEqualTo("success");
                }
                await().atMost(WAIT).until(() -> finals(results, "h-2") == 1);

                b.kill();
                // taken by the survivor, which has no registration of the device: it waits in Redis
                assertThat(api.post("/api/v1/devices/" + endpoint + "/commands/read?wait=false",
                        "{\"id\":\"waits\",\"path\":\"/3/0/0\"}").status()).isEqualTo(202);
                await().atMost(WAIT).until(() ->
                        call.call("LLEN", "lwm2m:handover-order:" + endpoint).toInteger() == 1);
                assertThat(finals(results, "waits")).as("waits for a replica holding the device").isZero();

                balancer.retarget(a.coapPort());
                device.update();
                await().atMost(WAIT).until(() -> finals(results, "waits") == 1);
                assertThat(owner(call, endpoint)).isEqualTo(a.id());
                assertThat(results.all().stream().filter(r -> "waits".equals(r.json().path("id").asText()))
                        .findFirst().orElseThrow().json().path("status").asText()).as(a.output()).isEqualTo("success");
                command(app, root, endpoint, "after");
                await().atMost(WAIT).until(() -> finals(results, "after") == 1);
                for (int i = 0; i < 3; i++) {
                    assertThat(finals(results, "h-" + i)).as("h-" + i + " ends once").isOne();
                }
                assertThat(finals(results, "waits")).isOne();
                assertThat(call.call("EXISTS", "lwm2m:handover:" + endpoint).toInteger()).isZero();
                assertThat(a.output()).doesNotContain("\tat ");
            } finally {
                app.disconnect();
            }
        }
    }

    private static RestartableGateway replica(String name, String root, RedisServerProcess redis) {
        return new RestartableGateway(name, TestBrokers.mqttPort(), "-Dgateway.mqtt.topic-root=" + root,
                "-Dgateway.state.backend=redis", "-Dquarkus.redis.hosts=redis://127.0.0.1:" + redis.port,
                "-Dgateway.state.redis.ownership-check-interval=500ms");
    }

    private static void command(Mqtt5BlockingClient app, String root, String endpoint, String id) {
        app.publishWith().topic(root + "/" + endpoint + "/commands/read").qos(MqttQos.AT_LEAST_ONCE)
                .payload(("{\"id\":\"" + id + "\",\"path\":\"/3/0/0\"}").getBytes(StandardCharsets.UTF_8)).send();
    }

    private static long finals(MqttProbe results, String id) {
        return results.all().stream().filter(r -> id.equals(r.json().path("id").asText())
                && !"queued".equals(r.json().path("status").asText())).count();
    }

    private static String owner(RedisCall call, String endpoint) {
        var id = call.call("GET", "lwm2m:endpoint:" + endpoint);
        if (id == null) {
            return null;
        }
        var owner = call.call("HGET", "lwm2m:reg:" + id, "owner");
        return owner == null ? null : owner.toString();
    }
}
