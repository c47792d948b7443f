package io.lwm2mgw.state.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lwm2mgw.command.LedgerStore;
import io.lwm2mgw.config.GatewayConfig;
import io.lwm2mgw.domain.command.CommandRequest;
import io.lwm2mgw.domain.command.CommandResult;
import io.lwm2mgw.domain.command.CommandStatus;
import io.lwm2mgw.domain.command.DeviceCommand;
import io.lwm2mgw.domain.device.EndpointName;
import io.lwm2mgw.domain.device.Lwm2mPath;
import io.lwm2mgw.southbound.lwm2m.RegistrationSnapshots;
import io.lwm2mgw.southbound.lwm2m.security.DeviceCredentials;
import io.lwm2mgw.storage.StoreHealth;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The redis backend against a real redis-server: every kind of state, expiry, owner and atomic queues. */
class RedisStateBackendTest {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @RegisterExtension
    static final FreshRedis REDIS = new FreshRedis();

    private final StoreHealth health = new StoreHealth();

    private static GatewayConfig config(String id, String... more) {
        Map<String, String> properties = new HashMap<>(Map.of("gateway.id", id, "gateway.state.backend", "redis",
                "gateway.state.redis.registration-grace", "2s"));
        for (int i = 0; i + 1 < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        return new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "redis-test", 500))
                .build().getConfigMapping(GatewayConfig.class);
    }

    private RedisStateBackend backend(String id) {
        return new RedisStateBackend(REDIS.server().call(), config(id), MAPPER, health, java.time.Clock.systemUTC());
    }

    private static CommandRequest command(String endpoint, String id, Instant receivedAt) {
        return new CommandRequest(id, EndpointName.of(endpoint), new DeviceCommand.ReadResource(
                Lwm2mPath.parse("/3/0/9"), Optional.empty()), Duration.ofSeconds(5), Duration.ofHours(1),
                receivedAt, Optional.empty(), false);
    }

    private static CommandResult result(String id) {
        return CommandResult.of(command("lamp-1", id, T0), T0.plusSeconds(1), CommandStatus.TIMEOUT, "silent");
    }

    private static RegistrationSnapshots.Snapshot snapshot(String id, String owner, Instant expiresAt) {
        return new RegistrationSnapshots.Snapshot(id, "ep-" + id, owner, expiresAt,
                ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void registrations_carry_their_owner_and_each_gateway_reads_back_its_own() throws Exception {
        Instant later = Instant.now().plus(Duration.ofMinutes(5));
        backend("gw-a").registrations().save(snapshot("r1", "gw-a", later));
        backend("gw-b").registrations().save(snapshot("r2", "gw-b", later));

        assertThat(backend("gw-a").registrations().loadAll()).containsOnlyKeys("r1");
        assertThat(REDIS.server().call().call("HGET", "lwm2m:reg:r2", "owner").toString()).isEqualTo("gw-b");
        assertThat(REDIS.server().call().call("GET", "lwm2m:endpoint:ep-r2").toString()).isEqualTo("r2");
        long ttl = REDIS.server().call().call("PTTL", "lwm2m:reg:r1").toLong();
        assertThat(ttl).as("lifetime left plus the 2 s grace").isBetween(Duration.ofMinutes(5).toMillis() - 5_000,
                Duration.ofMinutes(5).plusSeconds(2).toMillis());

        backend("gw-a").registrations().delete("r1");
        assertThat(backend("gw-a").registrations().loadAll()).isEmpty();
        assertThat(REDIS.server().call().call("EXISTS", "lwm2m:endpoint:ep-r1").toInteger()).isZero();
    }

    @Test
    void a_registration_whose_lifetime_and_grace_have_passed_is_gone() throws Exception {
        RegistrationSnapshots registrations = backend("gw-a").registrations();
        registrations.save(snapshot("short", "gw-a", Instant.now().minusSeconds(1))); // grace 2 s: ~1 s left

        assertThat(registrations.loadAll()).containsOnlyKeys("short");
        await().atMost(Duration.ofSeconds(10)).until(() -> registrations.loadAll().isEmpty());
        assertThat(REDIS.server().call().call("SCARD", "lwm2m:regs:gw-a").toInteger()).as("the index forgets it too")
                .isZero();
    }

    @Test
    void queued_commands_stay_in_order_per_device_under_concurrent_appends_and_removals() throws Exception {
        RedisQueuedCommandStore queued = (RedisQueuedCommandStore) backend("gw-a").queuedCommands();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int device = 0; device < 4; device++) {
                String endpoint = "lamp-" + device;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        queued.save(command(endpoint, "c-" + i, T0.plusMillis(i)));
                    }
                    for (int i = 0; i < 50; i += 2) {
                        queued.remove(command(endpoint, "c-" + i, T0.plusMillis(i)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        queued.save(command("lamp-0", "c-1", T0.plusMillis(1))); // saved again: not queued twice

        for (int device = 0; device < 4; device++) {
            List<String> expected = java.util.stream.IntStream.range(0, 50).filter(i -> i % 2 == 1)
                    .mapToObj(i -> "c-" + i).toList();
            assertThat(queued.queued("lamp-" + device)).containsExactlyElementsOf(expected);
        }
        assertThat(backend("gw-b").queuedCommands().loadAll()).hasSize(100);
        for (int device = 0; device < 4; device++) {
            for (int i = 1; i < 50; i += 2) {
                queued.remove(command("lamp-" + device, "c-" + i, T0));
            }
        }
        assertThat(REDIS.server().call().call("SCARD", "lwm2m:queued-devices").toInteger()).isZero();
    }

    @Test
    void the_ledger_keeps_the_newest_results_in_completion_order_and_the_marks_still_sending() {
        LedgerStore ledger = backend("gw-a").ledger();
        ledger.load(3);
        ledger.sending(EndpointName.of("lamp-1"), "in-flight");
        ledger.completed(result("c-1"));
        ledger.completed(result("c-2"));
        ledger.sending(EndpointName.of("lamp-1"), "c-3");
        ledger.completed(result("c-3"));
        ledger.completed(result("c-1"));
        ledger.completed(result("c-4"));

        LedgerStore.Loaded loaded = backend("gw-a").ledger().load(3);
        assertThat(loaded.completed()).extracting(r -> r.id().orElseThrow()).containsExactly("c-3", "c-1", "c-4");
        assertThat(loaded.interrupted()).containsExactly(new LedgerStore.SentMark(EndpointName.of("lamp-1"),
                "in-flight"));
        assertThat(REDIS.server().call().call("HLEN", "lwm2m:ledger:results").toInteger()).isEqualTo(3);
    }

    @Test
    void campaigns_and_credentials_are_read_back_and_a_key_prefix_keeps_fleets_apart() throws Exception {
        RedisStateBackend north = new RedisStateBackend(REDIS.server().call(), config("gw-a", "gateway.state.redis.key-prefix",
                "north"), MAPPER, health, java.time.Clock.systemUTC());
        north.credentials().put(DeviceCredentials.psk("lamp-1", "id-1", new byte[] {1, 2}));
        north.credentials().put(DeviceCredentials.x509("lamp-2", "lamp-2"));
        north.credentials().remove("lamp-2");

        assertThat(north.credentials().load()).containsOnlyKeys("lamp-1");
        assertThat(backend("gw-a").credentials().load()).as("another prefix, another fleet").isEmpty();
        var spec = new io.lwm2mgw.app.ContractFormats(MAPPER, Duration.ofSeconds(30), Duration.ofHours(24),
                Duration.ofHours(1)).campaign(MAPPER.readTree("""
                        {"id":"wave-3","endpoints":["lamp-1","lamp-2"],"method":"push","maxConcurrent":1,
                         "image":{"url":"http://images.local/lamp.bin","sha256":"%s"}}
                        """.formatted("6a9155a3572111bfedd09cf2d8f95e4c110936ca79a01ce04522a5caaaa7c0ef")));
        var campaigns = north.campaigns();
        campaigns.save(spec, io.lwm2mgw.domain.firmware.CampaignStatus.State.RUNNING,
                Map.of(EndpointName.of("lamp-1"), io.lwm2mgw.domain.firmware.CampaignStatus.DeviceState.SUCCEEDED));
        campaigns.close(); // writes what is pending

        assertThat(north.campaigns().loadAll()).singleElement().satisfies(c -> {
            assertThat(c.spec()).isEqualTo(spec);
            assertThat(c.devices()).containsEntry(EndpointName.of("lamp-1"),
                    io.lwm2mgw.domain.firmware.CampaignStatus.DeviceState.SUCCEEDED);
        });
        assertThat(backend("gw-a").campaigns().loadAll()).isEmpty();
    }

    @Test
    void the_image_index_is_kept_per_gateway() {
        backend("gw-a").images().used("aa", 1000L);
        backend("gw-a").images().used("bb", 2000L);
        backend("gw-a").images().removed("aa");
        backend("gw-b").images().used("cc", 3000L);

        assertThat(backend("gw-a").images().lastUses()).containsExactly(Map.entry("bb", 2000L));
        assertThat(backend("gw-b").images().lastUses()).containsOnlyKeys("cc");
    }

    @Test
    void a_server_that_is_gone_is_reported_and_refuses_the_write() throws Exception {
        RedisQueuedCommandStore queued = (RedisQueuedCommandStore) backend("gw-a").queuedCommands();
        RedisCall down = (command, args) -> {
            throw new IllegalStateException("Connection refused: 127.0.0.1:1");
        };
        RedisQueuedCommandStore unreachable = new RedisQueuedCommandStore(down, new RedisKeys("lwm2m"), MAPPER, health);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> unreachable.save(command("lamp-1", "c-1", T0)))
                .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("Connection refused");
        assertThat(health.failures()).containsKey("queued-commands");
        queued.save(command("lamp-1", "c-1", T0));
        assertThat(health.failures()).isEmpty();
    }
}
