package io.lwm2mgw.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.CommandContext;
import io.lwm2mgw.command.CommandRouter;
import io.lwm2mgw.command.DevicePort;
import io.lwm2mgw.command.FirmwareUpdatePort;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.DeviceStatus;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.domain.event.DeviceUpdated;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.storage.StoreHealth;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Commands across replicas: routers of two or three replicas (devices the test answers, no sockets) on one real
 * redis-server, each with its own gateway id, handing commands to the replica that holds the device.
 */
class ReplicaHandoverTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final FreshRedis REDIS = new FreshRedis();

    private final List<Replica> replicas = new ArrayList<>();

    @AfterEach
    void stopReplicas() {
        replicas.forEach(r -> r.router.stop());
    }

    @Test
    void a_command_taken_by_one_replica_runs_on_the_owner_and_ends_in_one_result() throws Exception {
        Replica a = replica("gw-a");
        Replica b = replica("gw-b");
        b.holds("lamp-1");

        Acks acks = new Acks();
        a.router.submit(read("lamp-1", "c-1", Duration.ofMinutes(5)), acks.next());

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.count.get() == 1);
        assertThat(b.finals("c-1")).singleElement().extracting(CommandResult::status).isEqualTo(CommandStatus.SUCCESS);
        assertThat(a.published).as("the taker publishes nothing").isEmpty();
        assertThat(b.devices.sent).hasSize(1);
        assertThat(a.devices.sent).isEmpty();
        assertThat(REDIS.server().call().call("EXISTS", "lwm2m:handover:lamp-1").toInteger()).as("queue emptied").isZero();
    }

    @Test
    void many_commands_across_three_replicas_each_end_once_in_the_owners_order() throws Exception {
        Replica a = replica("gw-a");
        Replica b = replica("gw-b");
        Replica c = replica("gw-c");
        b.holds("lamp-b");
        c.holds("lamp-c");
        Acks acks = new Acks();
        int n = 30;
        for (int i = 0; i < n; i++) {
            Replica taker = List.of(a, b, c).get(i % 3);
            taker.router.submit(read(i % 2 == 0 ? "lamp-b" : "lamp-c", "c-" + i, Duration.ofMinutes(5)),
                    acks.next());
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> acks.count.get() == n);
        for (int i = 0; i < n; i++) {
            Replica owner = i % 2 == 0 ? b : c;
            assertThat(owner.finals("c-" + i)).as("c-" + i).hasSize(1);
        }
        assertThat(a.published).isEmpty();
        assertThat(b.published.size() + c.published.size()).isEqualTo(n);
    }

    @Test
    void a_redelivered_command_is_answered_from_the_shared_ledger_without_running_again() throws Exception {
        Replica a = replica("gw-a");
        Replica b = replica("gw-b");
        Replica c = replica("gw-c");
        b.holds("lamp-1");
        Acks acks = new Acks();
        a.router.submit(read("lamp-1", "c-1", Duration.ofMinutes(5)), acks.next());
        await().atMost(Duration.ofSeconds(10)).until(() -> acks.count.get() == 1);

        c.router.submit(read("lamp-1", "c-1", Duration.ofMinutes(5)), acks.next()); // as after a lost PUBACK

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.count.get() == 2);
        assertThat(b.devices.sent).as("sent to the device once").hasSize(1);
    }

    @Test
    void a_command_for_a_device_whose_owner_died_runs_on_the_replica_the_device_reaches_next() throws Exception {
        Replica a = replica("gw-a");
        Replica b = replica("gw-b");
        register("lamp-1", "gw-dead"); // no heartbeat: gone

        Acks acks = new Acks();
        a.router.submit(read("lamp-1", "c-1", Duration.ofMinutes(5)), acks.next());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                REDIS.server().call().call("LLEN", "lwm2m:handover-order:lamp-1").toInteger() == 1);
        assertThat(acks.count.get()).as("waits, unacknowledged").isZero();

        b.holds("lamp-1"); // the device's next Update landed on gw-b, which took the registration over
        b.router.onEvent(new DeviceUpdated(Instant.now(), new DeviceStatus(EndpointName.of("lamp-1"),
                io.lwm2mgw.domain.device.DeviceState.REGISTERED, "reg-lamp-1", "1.1", "U", 300, false,
                "192.0.2.7:56830", Optional.empty(), Optional.empty(), List.of("/3/0")), Map.of()));

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.count.get() == 1);
        assertThat(b.finals("c-1")).hasSize(1);
        assertThat(a.published).isEmpty();
    }

    @Test
    void a_command_queued_at_an_owner_that_dies_runs_where_the_sleeping_device_wakes_up_next() throws Exception {
        Replica a = replica("gw-a");
        Replica b = replica("gw-b");
        Replica c = replica("gw-c");
        b.holds("sensor-1");
        b.devices.sleeping.add(EndpointName.of("sensor-1"));

        Acks acks = new Acks();
        a.router.submit(read("sensor-1", "c-1", Duration.ofMinutes(5)), acks.next());
        await().atMost(Duration.ofSeconds(10)).until(() -> acks.count.get() == 1);
        assertThat(b.published).as("queued at the owner").singleElement().extracting(CommandResult::status)
                .isEqualTo(CommandStatus.QUEUED);
        assertThat(REDIS.server().call().call("HEXISTS", "lwm2m:handover:sensor-1", "c-1").toInteger())
                .as("kept in redis until its final result").isOne();

        b.router.stop(); // gw-b is gone before the device wakes up; the device wakes up at gw-c
        c.holds("sensor-1");
        c.router.onEvent(new DeviceUpdated(Instant.now(), new DeviceStatus(EndpointName.of("sensor-1"),
                io.lwm2mgw.domain.device.DeviceState.REGISTERED, "reg-sensor-1", "1.1", "UQ", 300, true,
                "192.0.2.7:56830", Optional.empty(), Optional.empty(), List.of("/3/0")), Map.of()));

        await().atMost(Duration.ofSeconds(10)).until(() -> c.finals("c-1").size() == 1);
        assertThat(b.finals("c-1")).isEmpty();
        assertThat(c.devices.sent).hasSize(1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                REDIS.server().call().call("EXISTS", "lwm2m:handover:sensor-1").toInteger() == 0);
        assertThat(acks.count.get()).isOne();
    }

    @Test
    void a_command_no_replica_takes_within_its_ttl_ends_expired_once() throws Exception {
        Replica a = replica("gw-a");
        register("lamp-1", "gw-dead");

        Acks acks = new Acks();
        a.router.submit(read("lamp-1", "c-1", Duration.ofSeconds(1)), acks.next());

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.count.get() == 1);
        assertThat(a.finals("c-1")).singleElement().extracting(CommandResult::status)
                .isEqualTo(CommandStatus.EXPIRED);
        assertThat(REDIS.server().call().call("EXISTS", "lwm2m:handover:lamp-1").toInteger()).isZero();
    }

    @Test
    void a_device_registered_nowhere_gets_not_registered_once_from_the_replica_that_took_the_command() {
        Replica a = replica("gw-a");
        replica("gw-b");
        Acks acks = new Acks();
        a.router.submit(read("nobody", "c-1", Duration.ofMinutes(5)), acks.next());

        await().atMost(Duration.ofSeconds(10)).until(() -> acks.count.get() == 1);
        assertThat(a.finals("c-1")).singleElement().extracting(CommandResult::status)
                .isEqualTo(CommandStatus.NOT_REGISTERED);
    }

    @Test
    void each_replica_keeps_a_heartbeat_that_ends_when_it_stops() {
        Replica a = replica("gw-a");
        await().atMost(Duration.ofSeconds(5)).until(() -> REDIS.server().call().call("EXISTS", "lwm2m:replica:gw-a")
                .toInteger() == 1);
        long ttl = REDIS.server().call().call("PTTL", "lwm2m:replica:gw-a").toLong();
        assertThat(ttl).as("three ownership-check intervals of 200 ms").isBetween(1L, 600L);

        a.router.stop();
        assertThat(REDIS.server().call().call("EXISTS", "lwm2m:replica:gw-a").toInteger()).isZero();
    }

    // ---------------------------------------------------------------------------------------------------------

    private Replica replica(String id) {
        Replica r = new Replica(id);
        replicas.add(r);
        return r;
    }

    private static void register(String endpoint, String owner) throws Exception {
        RedisStateBackend backend = new RedisStateBackend(REDIS.server().call(), config(owner), MAPPER, new StoreHealth(),
                Clock.systemUTC());
        backend.registrations().save(new RegistrationSnapshots.Snapshot("reg-" + endpoint, endpoint, owner,
                Instant.now().plus(Duration.ofMinutes(5)), "{}".getBytes(StandardCharsets.UTF_8)));
    }

    private static CommandRequest read(String endpoint, String id, Duration ttl) {
        return new CommandRequest(id, EndpointName.of(endpoint), new DeviceCommand.ReadResource(
                Lwm2mPath.parse("/3/0/9"), Optional.empty()), Duration.ofSeconds(5), ttl, Instant.now(),
                Optional.empty(), false);
    }

    private static GatewayConfig config(String id) {
        return new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("gateway.id", id, "gateway.state.backend", "redis",
                        "gateway.state.redis.ownership-check-interval", "200ms"), "handover-test", 500))
                .build().getConfigMapping(GatewayConfig.class);
    }

    /** One replica: its router on the shared server, devices answering at once, the results it published. */
    private static final class Replica {
        final Devices devices = new Devices();
        final List<CommandResult> published = new CopyOnWriteArrayList<>();
        final CommandRouter router;
        final String id;

        Replica(String id) {
            this.id = id;
            RedisStateBackend backend = new RedisStateBackend(REDIS.server().call(), config(id), MAPPER, new StoreHealth(),
                    Clock.systemUTC());
            router = new CommandRouter(devices, new NoFirmware(), result -> {
                published.add(result);
                return java.util.concurrent.CompletableFuture.completedFuture(null);
            }, backend.queuedCommands(), backend.ledger(), Clock.systemUTC(), 10, 1000, Runnable::run,
                    backend.handover());
        }

        void holds(String endpoint) throws Exception {
            register(endpoint, id);
            devices.registered.add(EndpointName.of(endpoint));
        }

        List<CommandResult> finals(String commandId) {
            return published.stream().filter(r -> r.id().orElse("").equals(commandId) && r.status().isFinal())
                    .toList();
        }
    }

    /** Registered devices answer every request at once with 2.05; any other is not registered. */
    private static final class Devices implements DevicePort {
        final Set<EndpointName> registered = ConcurrentHashMap.newKeySet();
        final Set<EndpointName> sleeping = ConcurrentHashMap.newKeySet();
        final List<CommandRequest> sent = new CopyOnWriteArrayList<>();

        @Override
        public void execute(CommandRequest request, Consumer<CommandResult> done) {
            if (!registered.contains(request.endpoint())) {
                done.accept(CommandResult.of(request, Instant.now(), CommandStatus.NOT_REGISTERED, "not registered"));
                return;
            }
            sent.add(request);
            done.accept(CommandResult.answered(request, Instant.now(), "2.05", true, new java.util.TreeMap<>(),
                    List.of(), Optional.empty(), Optional.empty()));
        }

        @Override
        public boolean isRegistered(EndpointName endpoint) {
            return registered.contains(endpoint);
        }

        @Override
        public boolean isSleeping(EndpointName endpoint) {
            return sleeping.contains(endpoint);
        }

        @Override
        public List<DeviceStatus> registeredStatuses() {
            return List.of();
        }

        @Override
        public CommandResult changeCredentials(CommandRequest request) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class NoFirmware implements FirmwareUpdatePort {
        @Override
        public void start(CommandRequest request, Consumer<CommandResult> done) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void abandonAll() {
        }
    }

    private static final class Acks {
        final AtomicInteger count = new AtomicInteger();

        CommandContext next() {
            return count::incrementAndGet;
        }
    }
}
